import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import { pixelRefKey } from "../pixels/pixel-document.js";
import type { PixelConfigSource } from "./ports.js";

export interface CacheOptions {
  /** Longest time a config may be served after it changed, if the change notice is missed. */
  ttlMs: number;
  /** Most configs held; the oldest loaded go first (entries expire after ttlMs anyway). */
  maxEntries: number;
  clock?: () => number;
}

interface Entry {
  pixel: EdgePixel | null;
  expiresAt: number;
}

/**
 * A bounded in-process cache in front of a pixel config source. Unknown pixels are cached too
 * (so random ids cannot hammer Redis), and concurrent misses for one pixel share one read.
 */
export class CachedPixelConfigs implements PixelConfigSource {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<EdgePixel | null>>();
  private readonly clock: () => number;

  constructor(
    private readonly source: PixelConfigSource,
    private readonly options: CacheOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  get(ref: PixelRef): Promise<EdgePixel | null> {
    const cached = this.peek(ref);
    if (cached !== undefined) return Promise.resolve(cached);
    const key = pixelRefKey(ref);
    return this.loading.get(key) ?? this.load(key, ref);
  }

  peek(ref: PixelRef): EdgePixel | null | undefined {
    const key = pixelRefKey(ref);
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= this.clock()) return undefined;
    return entry.pixel;
  }

  /** Forgets one pixel (by id, any code that led to it, any unknown code), or all with `"*"`. */
  invalidate(pixelId: number | "*"): void {
    if (pixelId === "*") {
      this.entries.clear();
      this.loading.clear();
      return;
    }
    for (const [key, entry] of this.entries) {
      // A code that named nothing may name this pixel now: unknown codes are forgotten too.
      const unknownCode = entry.pixel === null && key.startsWith("code:");
      if (key === `id:${pixelId}` || entry.pixel?.id === pixelId || unknownCode)
        this.entries.delete(key);
    }
    this.loading.delete(`id:${pixelId}`);
  }

  get size(): number {
    return this.entries.size;
  }

  private async load(key: string, ref: PixelRef): Promise<EdgePixel | null> {
    const pending = this.source.get(ref);
    this.loading.set(key, pending);
    try {
      const pixel = await pending;
      // A newer invalidation dropped this load: answer it but do not cache it.
      if (this.loading.get(key) === pending) this.remember(key, pixel);
      return pixel;
    } finally {
      if (this.loading.get(key) === pending) this.loading.delete(key);
    }
  }

  private remember(key: string, pixel: EdgePixel | null): void {
    this.entries.delete(key);
    this.entries.set(key, { pixel, expiresAt: this.clock() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
