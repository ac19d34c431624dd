import type { Touch } from "../src/attribution/types.js";
import { formatTimestamp } from "../src/conversions/timestamps.js";
import type { AdvertiserDocument, LineItemDocument } from "../src/objects/documents.js";
import { edgeConfig } from "../src/pixels/edge-config.js";
import type { PixelFields } from "../src/pixels/pixel-document.js";
import { keys } from "../src/storage/keys.js";
import type { RedisClient } from "../src/storage/redis/connect.js";
import { RedisEdgeCopies } from "../src/storage/redis/redis-edge-copies.js";
import { RedisTouchStore } from "../src/storage/redis/redis-touch-store.js";
import type { SqlClient } from "../src/storage/sql/sql-client.js";

/** Seeded user n has the uuid2 USER_BASE + n. */
export const USER_BASE = 1_000_000_000;

export interface BenchData {
  pixelIds: number[];
  userIds: string[];
  /** The Redis keys of the seeded touch histories, for measuring their memory. */
  touchKeys: string[];
  touches: number;
}

/**
 * The edge's copies of pixels spread over advertisers (half count every fire, half one per user) and users whose
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
  // What the edge reads: the copies the edge copy relay writes from PostgreSQL, derived the
  // same way (src/pixels/edge-config.ts); the benchmarks measure the edge, not the API.
  const copies = new RedisEdgeCopies(redis);
  const now = Date.now();
  const stamp = formatTimestamp(now);
  const stamps = { created_on: stamp, last_modified: stamp };
  const pixelIds: number[] = [];
  for (let adv = 1; adv <= sizes.advertisers; adv++) {
    const advertiser: AdvertiserDocument = {
      id: adv,
      code: null,
      name: `Advertiser ${adv}`,
      state: "active",
      member_id: 1,
      redirect_domains: [],
      append_click_id: false,
      ...stamps,
    };
    await copies.putAdvertiser({ id: adv, member_id: 1, state: "active", append_click_id: false });
    const ids = Array.from({ length: sizes.pixelsPerAdvertiser }, (_, p) => adv * 1000 + p);
    pixelIds.push(...ids);
    // Each pixel is on the advertiser's three line items (which the touches are on).
    const lineItems: LineItemDocument[] = [1, 2, 3].map((li) => ({
      id: adv * 100 + li,
      code: null,
      name: `Line item ${adv * 100 + li}`,
      state: "active",
      advertiser_id: adv,
      member_id: 1,
      pixels: ids.map((id) => ({
        id,
        state: "active",
        post_click_revenue: null,
        post_view_revenue: null,
      })),
      ...stamps,
    }));
    for (const [p, id] of ids.entries()) {
      const pixel: PixelFields = {
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
        ...stamps,
      };
      await copies.putPixel(edgeConfig(pixel, lineItems, advertiser), null);
    }
  }
  const users = await seedUsers(redis, sizes, 1, sizes.users, now);
  return { pixelIds, ...users, touches: sizes.users * sizes.touchesPerUser };
}

/**
 * Users `first` … `last` (ids 1,000,000,000 + n), each with `touchesPerUser` impressions and
 * clicks on two advertisers, written a thousand users per call.
 */
export async function seedUsers(
  redis: RedisClient,
  sizes: { advertisers: number; touchesPerUser: number },
  first: number,
  last: number,
  now = Date.now(),
): Promise<{ userIds: string[]; touchKeys: string[] }> {
  const store = new RedisTouchStore(redis, () => now);
  const userIds: string[] = [];
  const touchKeys: string[] = [];
  const CHUNK = 1000;
  for (let from = first; from <= last; from += CHUNK) {
    const touches: Touch[] = [];
    for (let u = from; u < from + CHUNK && u <= last; u++) {
      const userId = String(USER_BASE + u);
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
  return { userIds, touchKeys };
}

/** How many fires of these pixels the event store holds. */
export async function firesLogged(sql: SqlClient, pixelIds: readonly number[]): Promise<number> {
  const [row] = await sql.query<{ n: string }>(
    "SELECT count(*)::text AS n FROM fires WHERE pixel_id = ANY($1::int4[])",
    [pixelIds],
  );
  return Number(row?.n ?? 0);
}
