import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import { pixelRefKey } from "../pixels/pixel-document.js";
import type { PixelConfigSource } from "./ports.js";
import { TtlCache } from "./ttl-cache.js";

export interface CacheOptions {
  /** Longest time a config may be served after it changed, if the change notice is missed. */
  ttlMs: number;
  /** Most configs held; the oldest loaded go first (entries expire after ttlMs anyway). */
  maxEntries: number;
  clock?: () => number;
}

/**
 * A bounded in-process cache in front of a pixel config source. Unknown pixels are cached too
 * (so random ids cannot hammer Redis), and concurrent misses for one pixel share one read.
 */
export class CachedPixelConfigs implements PixelConfigSource {
  private readonly entries: TtlCache<EdgePixel | null>;
  private readonly loading = new Map<string, Promise<EdgePixel | null>>();

  constructor(
    private readonly source: PixelConfigSource,
    options: CacheOptions,
  ) {
    this.entries = new TtlCache(options.ttlMs, options.maxEntries, options.clock);
  }

  get(ref: PixelRef): Promise<EdgePixel | null> {
    const cached = this.peek(ref);
    if (cached !== undefined) return Promise.resolve(cached);
    const key = pixelRefKey(ref);
    return this.loading.get(key) ?? this.load(key, ref);
  }

  peek(ref: PixelRef): EdgePixel | null | undefined {
    return this.entries.get(pixelRefKey(ref));
  }

  /** Forgets one pixel (by id, any code that led to it, any unknown code), or all with `"*"`. */
  invalidate(pixelId: number | "*"): void {
    if (pixelId === "*") {
      this.entries.clear();
      this.loading.clear();
      return;
    }
    this.entries.deleteWhere(
      // A code that named nothing may name this pixel now: unknown codes are forgotten too.
      (key, pixel) =>
        key === `id:${pixelId}` ||
        pixel?.id === pixelId ||
        (pixel === null && key.startsWith("code:")),
    );
    this.loading.delete(`id:${pixelId}`);
  }

  private async load(key: string, ref: PixelRef): Promise<EdgePixel | null> {
    const pending = this.source.get(ref);
    this.loading.set(key, pending);
    try {
      const pixel = await pending;
      // A newer invalidation dropped this load: answer it but do not cache it.
      if (this.loading.get(key) === pending) this.entries.set(key, pixel);
      return pixel;
    } finally {
      if (this.loading.get(key) === pending) this.loading.delete(key);
    }
  }
}
