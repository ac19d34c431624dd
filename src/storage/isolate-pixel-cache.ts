import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import { pixelRefKey } from "../pixels/pixel-document.js";
import type { PixelConfigSource } from "./ports.js";

/**
 * Pixel configs remembered by a Workers isolate across its requests, so that most fires are
 * answered without a KV read. Unlike the Node cache it shares no pending reads between
 * requests (a Worker may not wait on another request's I/O): each request reads through its
 * own source and leaves what it found here.
 */
export class IsolatePixelCache {
  private readonly entries = new Map<string, { pixel: EdgePixel | null; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** This request's view: the shared entries in front of its own source. */
  over(source: PixelConfigSource): PixelConfigSource {
    return {
      peek: (ref) => this.peek(ref),
      get: async (ref) => {
        const cached = this.peek(ref);
        if (cached !== undefined) return cached;
        const pixel = await source.get(ref);
        this.remember(ref, pixel);
        return pixel;
      },
    };
  }

  private peek(ref: PixelRef): EdgePixel | null | undefined {
    const entry = this.entries.get(pixelRefKey(ref));
    return entry && entry.expiresAt > this.clock() ? entry.pixel : undefined;
  }

  private remember(ref: PixelRef, pixel: EdgePixel | null): void {
    if (this.ttlMs <= 0) return;
    const key = pixelRefKey(ref);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { pixel, expiresAt: this.clock() + this.ttlMs });
  }
}
