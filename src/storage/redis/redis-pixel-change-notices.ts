import { PIXEL_CHANGES_CHANNEL } from "../keys.js";
import type { PixelChangeNotices } from "../ports.js";
import type { RedisClient } from "./connect.js";

/**
 * Change notices published on PIXEL_CHANGES_CHANNEL, which every Node edge subscribes to
 * (src/node/node-runtime.ts). Pub/sub keeps nothing: an edge that misses a notice serves the
 * old config until its cache's TTL ends.
 */
export class RedisPixelChangeNotices implements PixelChangeNotices {
  constructor(private readonly redis: RedisClient) {}

  async announce(pixelId: number | "*"): Promise<void> {
    await this.redis.publish(PIXEL_CHANGES_CHANNEL, String(pixelId));
  }
}
