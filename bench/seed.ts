import type { Touch } from "../src/attribution/types.js";
import { formatTimestamp } from "../src/conversions/timestamps.js";
import { keys } from "../src/storage/keys.js";
import type { RedisClient } from "../src/storage/redis/connect.js";
import { RedisPixelWriter } from "../src/storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../src/storage/redis/redis-touch-store.js";

export interface BenchData {
  pixelIds: number[];
  userIds: string[];
  /** The Redis keys of the seeded touch histories, for measuring their memory. */
  touchKeys: string[];
  touches: number;
}

/**
 * Pixels spread over advertisers (half count every fire, half one per user) and users whose
 * histories hold impressions and clicks on two advertisers' line items each, written a
 * thousand users at a time (millions of touches take seconds, not minutes).
 */
export async function seedBenchData(
  redis: RedisClient,
  sizes: {
    advertisers: number;
    pixelsPerAdvertiser: number;
    users: number;
    touchesPerUser: number;
  },
): Promise<BenchData> {
  const writer = new RedisPixelWriter(redis);
  const now = Date.now();
  const stamp = formatTimestamp(now);
  const pixelIds: number[] = [];
  for (let adv = 1; adv <= sizes.advertisers; adv++) {
    await writer.putAdvertiser({
      id: adv,
      code: null,
      name: `Advertiser ${adv}`,
      state: "active",
      member_id: 1,
      redirect_domains: [],
      created_on: stamp,
      last_modified: stamp,
    });
    for (let p = 0; p < sizes.pixelsPerAdvertiser; p++) {
      const id = adv * 1000 + p;
      pixelIds.push(id);
      await writer.putPixel({
        id,
        code: null,
        name: `Pixel ${id}`,
        state: "active",
        member_id: 1,
        advertiser_id: adv,
        trigger_type: (["view", "click", "hybrid"] as const)[p % 3] ?? "hybrid",
        min_minutes_per_conv: p % 2 === 0 ? 0 : null,
        post_view_expire_mins: 1440,
        post_click_expire_mins: 20160,
        post_view_value: 1,
        post_click_value: 10,
        piggyback_pixels: null,
        pixel_conversion_event_id: null,
        line_items: [1, 2, 3].map((li) => ({ id: adv * 100 + li, name: null, state: "active" })),
        campaigns: null,
        created_on: stamp,
        last_modified: stamp,
      });
    }
  }
  const store = new RedisTouchStore(redis);
  const userIds: string[] = [];
  const touchKeys: string[] = [];
  const CHUNK = 1000;
  for (let first = 1; first <= sizes.users; first += CHUNK) {
    const touches: Touch[] = [];
    for (let u = first; u < first + CHUNK && u <= sizes.users; u++) {
      const userId = String(1_000_000_000 + u);
      userIds.push(userId);
      const advertisers = [1 + (u % sizes.advertisers), 1 + ((u + 1) % sizes.advertisers)];
      for (const adv of new Set(advertisers)) touchKeys.push(keys.touches(userId, adv));
      for (let i = 0; i < sizes.touchesPerUser; i++) {
        const adv = advertisers[i % 2] ?? 1;
        touches.push({
          type: i % 4 === 0 ? "click" : "imp",
          user_id: userId,
          advertiser_id: adv,
          line_item_id: adv * 100 + 1 + (i % 3),
          campaign_id: 1,
          creative_id: 1,
          ts: now - (i + 1) * 600_000,
        });
      }
    }
    await store.record(touches);
  }
  return { pixelIds, userIds, touchKeys, touches: sizes.users * sizes.touchesPerUser };
}
