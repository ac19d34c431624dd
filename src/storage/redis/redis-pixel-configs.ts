import type { EdgePixel, PixelRef } from "../../pixels/pixel-document.js";
import type { PixelConfigSource } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { RedisEdgeCopies } from "./redis-edge-copies.js";

/**
 * Pixel configs from their copies in Redis (SPEC 15). A copy that is absent (Redis emptied,
 * evicted, never written) is read through `missing` when given (a Node edge: PostgreSQL) and
 * back-filled; without it (a Worker), absent means unknown.
 */
export class RedisPixelConfigs implements PixelConfigSource {
  private readonly copies: RedisEdgeCopies;

  constructor(
    redis: RedisClient,
    private readonly missing: PixelConfigSource | null = null,
  ) {
    this.copies = new RedisEdgeCopies(redis);
  }

  async get(ref: PixelRef): Promise<EdgePixel | null> {
    const copy = await this.copies.pixel(ref);
    if (copy !== undefined || !this.missing) return copy ?? null;
    const config = await this.missing.get(ref);
    await this.copies.backfillPixel(ref, config);
    return config;
  }
}
