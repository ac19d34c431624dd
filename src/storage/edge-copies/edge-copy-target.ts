import type { EdgePixel } from "../../pixels/pixel-document.js";
import { type KeyValueNamespace, kvPixelKey } from "../kv-pixel-configs.js";
import type { EdgeAdvertiser, Logger } from "../ports.js";

/** Where the relay writes the edge's copies: Redis (both runtimes read it), Workers KV. */
export interface EdgeCopyTarget {
  readonly name: string;
  putPixel(config: EdgePixel, code: string | null): Promise<void>;
  dropPixel(id: number): Promise<void>;
  dropCode(memberId: number, code: string): Promise<void>;
  putAdvertiser(advertiser: EdgeAdvertiser): Promise<void>;
  dropAdvertiser(id: number): Promise<void>;
}

/**
 * Workers KV as a target: a pixel's config under its id and under its code (the Worker reads
 * both, kv-pixel-configs.ts). Advertisers' click settings are read from Redis by the Worker. A
 * failed KV write is logged, not retried: KV's REST API being away must not hold up the Redis
 * copies, and the Worker falls back to Redis on a KV miss (a stale KV copy stays until the pixel
 * changes again or `npm run rebuild-edge`).
 */
export function kvTarget(kv: KeyValueNamespace, log: Logger): EdgeCopyTarget {
  const logged = async (pixelId: number, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      log({
        level: "error",
        msg: "KV write-through failed",
        pixel_id: pixelId,
        error: String(error),
      });
    }
  };
  return {
    name: "kv",
    putPixel: (config, code) =>
      logged(config.id, async () => {
        const json = JSON.stringify(config);
        await kv.put(kvPixelKey({ id: config.id }), json);
        if (code) await kv.put(kvPixelKey({ code, member_id: config.member_id }), json);
      }),
    dropPixel: (id) => logged(id, () => kv.delete(kvPixelKey({ id }))),
    dropCode: (memberId, code) =>
      logged(0, () => kv.delete(kvPixelKey({ code, member_id: memberId }))),
    putAdvertiser: async () => {},
    dropAdvertiser: async () => {},
  };
}
