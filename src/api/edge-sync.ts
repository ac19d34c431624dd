import type { PixelDocument } from "../pixels/pixel-document.js";
import { type KeyValueNamespace, kvPixelKey } from "../storage/kv-pixel-configs.js";
import type { Logger, PixelChangeNotices, PixelConfigSource } from "../storage/ports.js";

export interface PixelChange {
  /** Pixels whose config changed (or that were deleted). */
  pixels: readonly Pick<PixelDocument, "id" | "code" | "member_id">[];
}

/** Where edgeSync reads the changed configs and announces them. */
export interface EdgeSyncStores {
  /** The source of truth, uncached: a cached config could put a stale copy in KV. */
  configs: PixelConfigSource;
  notices: PixelChangeNotices;
}

/**
 * Carries a change of pixel configs to every edge: Node edges drop them from their caches
 * (pub/sub), and the Workers' KV copies are rewritten (or deleted) when a KV writer is set.
 */
export function edgeSync(
  { configs, notices }: EdgeSyncStores,
  kv: KeyValueNamespace | null,
  log: Logger,
) {
  // Each way of naming the pixel is looked up afresh: a code the pixel no longer has resolves
  // to nothing, and its KV copy goes.
  const writeThrough = async (store: KeyValueNamespace, pixel: PixelChange["pixels"][number]) => {
    const refs = [
      { id: pixel.id },
      ...(pixel.code ? [{ code: pixel.code, member_id: pixel.member_id }] : []),
    ];
    for (const ref of refs) {
      const config = await configs.get(ref);
      if (config) await store.put(kvPixelKey(ref), JSON.stringify(config));
      else await store.delete(kvPixelKey(ref));
    }
  };
  return async (change: PixelChange): Promise<void> => {
    for (const pixel of change.pixels) {
      if (kv) {
        try {
          await writeThrough(kv, pixel);
        } catch (error) {
          // Redis holds the change; the Worker's copy stays stale until the pixel changes again.
          log({
            level: "error",
            msg: "KV write-through failed",
            pixel_id: pixel.id,
            error: String(error),
          });
        }
      }
      await notices.announce(pixel.id);
    }
  };
}
