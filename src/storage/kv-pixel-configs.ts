import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import { pixelRefKey, safeEdgePixel } from "../pixels/pixel-document.js";
import type { PixelConfigSource } from "./ports.js";

/** The part of a Workers KV namespace the edge uses. */
export interface KeyValueNamespace {
  get(key: string, type: "json"): Promise<unknown>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The KV key of a pixel config: the same for the Worker's reads and the API's write-through. */
export function kvPixelKey(ref: PixelRef): string {
  return `pixel:${pixelRefKey(ref)}`;
}

/**
 * Pixel configs from Workers KV (a read replica), falling back to Redis on a miss and writing
 * what it found back into KV (in the background, through `defer`).
 */
export class KvPixelConfigs implements PixelConfigSource {
  constructor(
    private readonly kv: KeyValueNamespace,
    private readonly fallback: PixelConfigSource,
    private readonly defer: (work: Promise<unknown>) => void,
  ) {}

  async get(ref: PixelRef): Promise<EdgePixel | null> {
    const key = kvPixelKey(ref);
    const cached = (await this.kv.get(key, "json")) as EdgePixel | null;
    if (cached && typeof cached === "object") return safeEdgePixel(cached);
    const pixel = await this.fallback.get(ref);
    if (pixel) this.defer(this.kv.put(key, JSON.stringify(pixel)));
    return pixel;
  }
}
