import type { AdvertiserDocument } from "../../objects/documents.js";
import { keys } from "../keys.js";
import type { AdvertiserSettings } from "../ports.js";
import type { RedisClient } from "./connect.js";

/**
 * An advertiser's settings for its clicks, read from its document; both runtimes keep what it
 * read for a while in an AdvertiserSettingsCache.
 */
export class RedisAdvertiserSettings implements AdvertiserSettings {
  constructor(private readonly redis: RedisClient) {}

  async appendsClickId(advertiserId: number): Promise<boolean> {
    const json = await this.redis.get(keys.advertiser(advertiserId));
    if (!json) return false;
    const advertiser = JSON.parse(json) as Partial<AdvertiserDocument>;
    return advertiser.append_click_id === true && advertiser.state !== "inactive";
  }
}
