import type { AdvertiserSettings, EdgeAdvertiser } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { RedisEdgeCopies } from "./redis-edge-copies.js";

/**
 * An advertiser's settings for its clicks, from its copy in Redis; an absent copy is read
 * through `missing` when given (a Node edge: PostgreSQL) and back-filled. Both runtimes keep
 * what they read for a while in an AdvertiserSettingsCache.
 */
export class RedisAdvertiserSettings implements AdvertiserSettings {
  private readonly copies: RedisEdgeCopies;

  constructor(
    redis: RedisClient,
    private readonly missing: ((id: number) => Promise<EdgeAdvertiser | null>) | null = null,
  ) {
    this.copies = new RedisEdgeCopies(redis);
  }

  async appendsClickId(advertiserId: number): Promise<boolean> {
    let advertiser = await this.copies.advertiser(advertiserId);
    if (advertiser === undefined && this.missing) {
      advertiser = await this.missing(advertiserId);
      await this.copies.backfillAdvertiser(advertiserId, advertiser);
    }
    return advertiser?.append_click_id === true && advertiser.state !== "inactive";
  }
}
