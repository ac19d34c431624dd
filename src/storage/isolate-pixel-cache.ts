import type { EdgePixel } from "../pixels/pixel-document.js";
import { pixelRefKey } from "../pixels/pixel-document.js";
import type { PixelConfigSource } from "./ports.js";
import { TtlCache } from "./ttl-cache.js";

/**
 * Pixel configs remembered by a Workers isolate across its requests, so that most fires are
 * answered without a KV read. Unlike the Node cache it shares no pending reads between
 * requests (a Worker may not wait on another request's I/O): each request reads through its
 * own source and leaves what it found here.
 */
export class IsolatePixelCache {
  private readonly entries: TtlCache<EdgePixel | null>;

  constructor(ttlMs: number, maxEntries: number, clock: () => number = Date.now) {
    this.entries = new TtlCache(ttlMs, maxEntries, clock);
  }

  /** This request's view: the shared entries in front of its own source. */
  over(source: PixelConfigSource): PixelConfigSource {
    return {
      peek: (ref) => this.entries.get(pixelRefKey(ref)),
      get: async (ref) => {
        const cached = this.entries.get(pixelRefKey(ref));
        if (cached !== undefined) return cached;
        const pixel = await source.get(ref);
        this.entries.set(pixelRefKey(ref), pixel);
        return pixel;
      },
    };
  }
}
