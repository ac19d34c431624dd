import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keys } from "../../src/storage/keys.js";
import { RedisPixelConfigs } from "../../src/storage/redis/redis-pixel-configs.js";
import { RedisRateCounters } from "../../src/storage/redis/redis-rate-counters.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import { REDIS_KINDS, startTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { touchHistory } from "../helpers/touch-history.js";

// The stores' contract, on one Redis server and on a Cluster: touch history, pixel configs by
// id and by code (the edge's copies), rate counts.

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const DAY = 86_400_000;

describe.each(REDIS_KINDS)("on a %s", (kind) => {
  let redis: TestStorage;
  beforeAll(async () => {
    redis = await startTestStorage(kind);
  }, 60_000);
  afterAll(async () => redis?.stop());
  beforeEach(async () => redis.reset());

  it("touch history: the newest 200 per user and advertiser, none past 90 days, each once", async () => {
    const store = new RedisTouchStore(redis.client, () => NOW);
    const touch = (user: string, ts: number) => ({
      type: "imp" as const,
      user_id: user,
      advertiser_id: 2,
      line_item_id: 382,
      campaign_id: null,
      creative_id: null,
      ts,
    });
    // Many users at once: on Cluster their keys live on different nodes.
    const users = Array.from({ length: 20 }, (_, i) => String(900 + i));
    await store.record(
      users.flatMap((u) => Array.from({ length: 210 }, (_, i) => touch(u, NOW - i))),
    );
    await store.record([touch("900", NOW), touch("950", NOW - 91 * DAY)]);
    for (const user of users) expect(await touchHistory(redis.client, user, 2)).toHaveLength(200);
    const kept = await touchHistory(redis.client, "900", 2);
    expect([kept[0]?.ts, kept[199]?.ts]).toEqual([NOW, NOW - 199]); // the newest 200
    expect(await redis.client.pttl(keys.touches("900", 2))).toBeGreaterThan(89 * DAY);
    expect(await touchHistory(redis.client, "950", 2)).toEqual([]);
  });

  it("pixel configs: read by id and by code, with their advertiser's redirect domains", async () => {
    await seedPixels(redis.client);
    const configs = new RedisPixelConfigs(redis.client);
    const byId = await configs.get({ id: 37 });
    expect(byId).toMatchObject({ id: 37, advertiser_id: 2, redirect_domains: ["shop.example"] });
    expect(await configs.get({ code: "thanks", member_id: 1 })).toEqual(byId);
    expect(await configs.get({ id: 99 })).toBeNull();
    expect(await configs.get({ code: "thanks", member_id: 2 })).toBeNull();
  });

  it("rate counts: added to, read, taken back; the add that starts one sets its TTL", async () => {
    const counters = new RedisRateCounters(redis.client);
    const reads = { who: "member-1", kind: "read", window: 5 } as const;
    expect(await counters.get(reads)).toBe(0);
    expect(await counters.add(reads, 3, 60_000)).toBe(3);
    expect(await counters.add(reads, 1, 90_000)).toBe(4);
    const ttl = await redis.client.pttl("rate:member-1:read:5");
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await counters.takeBack(reads, 3);
    expect(await counters.get(reads)).toBe(1);
    expect(await counters.get({ ...reads, kind: "write" })).toBe(0);
  });
});
