import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CachedPixelConfigs } from "../../src/storage/cached-pixel-configs.js";
import { RedisPixelConfigs } from "../../src/storage/redis/redis-pixel-configs.js";
import { commandCalls, resetCommandStats } from "../helpers/command-stats.js";
import { pixelDocument } from "../helpers/documents.js";
import { EdgeCopyWriter, seedPixels } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

let redis: TestRedis;
let now = 0;
const clock = () => now;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());
beforeEach(async () => {
  await redis.reset();
  await seedPixels(
    redis.client,
    [1, 2, 3].map((id) => pixelDocument({ id, code: `c${id}` })),
  );
  await resetCommandStats(redis.client);
  now = 1_000;
});

const reads = async () => (await commandCalls(redis.client)).get ?? 0;
const cache = (ttlMs = 5_000, maxEntries = 100) =>
  new CachedPixelConfigs(new RedisPixelConfigs(redis.client), { ttlMs, maxEntries, clock });

describe("the in-process pixel config cache", () => {
  it("reads Redis once per pixel until the TTL passes", async () => {
    const pixels = cache();
    for (let i = 0; i < 5; i++)
      expect((await pixels.get({ id: 1 }))?.redirect_domains).toEqual(["shop.example"]);
    // One copy: the advertiser's allowlist is in the pixel's (the relay wrote it so).
    expect(await reads()).toBe(1);
    now += 5_001;
    await pixels.get({ id: 1 });
    expect(await reads()).toBe(2);
  });

  it("shares one read among concurrent misses", async () => {
    const pixels = cache();
    await Promise.all(Array.from({ length: 20 }, () => pixels.get({ id: 2 })));
    expect(await reads()).toBe(1);
  });

  it("caches unknown pixels too, so random ids cannot hammer Redis", async () => {
    const pixels = cache();
    for (let i = 0; i < 5; i++) expect(await pixels.get({ id: 999 })).toBeNull();
    expect(await reads()).toBe(1);
  });

  it("holds at most maxEntries, dropping the oldest loaded", async () => {
    const pixels = cache(5_000, 2);
    await pixels.get({ id: 1 });
    await pixels.get({ id: 2 });
    await pixels.get({ id: 3 });
    expect([1, 2, 3].map((id) => pixels.peek({ id }) !== undefined)).toEqual([false, true, true]);
    await resetCommandStats(redis.client);
    await pixels.get({ id: 3 });
    await pixels.get({ id: 2 });
    expect(await reads()).toBe(0);
    await pixels.get({ id: 1 });
    expect(await reads()).toBe(1);
  });

  it("forgets a pixel by id and by code when told it changed", async () => {
    const pixels = cache();
    await pixels.get({ id: 1 });
    await pixels.get({ code: "c1", member_id: 1 });
    await new EdgeCopyWriter(redis.client).putPixel(
      pixelDocument({ id: 1, code: "c1", post_view_expire_mins: 5 }),
    );
    pixels.invalidate(1);
    expect((await pixels.get({ id: 1 }))?.post_view_expire_mins).toBe(5);
    expect((await pixels.get({ code: "c1", member_id: 1 }))?.post_view_expire_mins).toBe(5);
  });
});

describe("codes that change", () => {
  it("a code that named nothing is forgotten when any pixel changes", async () => {
    const pixels = cache();
    expect(await pixels.get({ code: "later", member_id: 1 })).toBeNull();
    await new EdgeCopyWriter(redis.client).putPixel(pixelDocument({ id: 1, code: "later" }));
    pixels.invalidate(1);
    expect((await pixels.get({ code: "later", member_id: 1 }))?.id).toBe(1);
  });
});
