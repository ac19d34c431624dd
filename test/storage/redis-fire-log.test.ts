import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FireLogEntry } from "../../src/conversions/log-rows.js";
import { keys } from "../../src/storage/keys.js";
import { RedisFireLog } from "../../src/storage/redis/redis-fire-log.js";
import { REDIS_KINDS, startTestStorage, type TestStorage } from "../helpers/test-storage.js";

let redis: TestStorage;

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 28, 14, 0, 0);

let serial = 0;
function counted(ts: number, revenue: number, type: "click" | "view" = "click"): FireLogEntry {
  return {
    fire: {
      id: `f${serial++}`,
      ts,
      pixel_id: 37,
      advertiser_id: 2,
      user_id: "555",
      order_id: null,
      value: null,
      other: null,
      attributed: true,
      counted: true,
      reason: "counted",
      conversion_type: type,
      line_item_id: 382,
      campaign_id: 1,
      creative_id: 1,
      imp_ts: ts - 60_000,
    },
    revenue,
  };
}

describe.each(REDIS_KINDS)("on a %s", (kind) => {
  beforeAll(async () => {
    redis = await startTestStorage(kind);
  }, 60_000);
  afterAll(async () => redis?.stop());
  beforeEach(async () => redis.reset());

  describe("RedisFireLog report counters", () => {
    it("keeps quarter hours apart, to the millisecond, and sums revenue exactly", async () => {
      const log = new RedisFireLog(redis.client);
      await log.append(
        [
          counted(T + 15 * 60_000 - 1, 0.1),
          counted(T + 15 * 60_000, 0.2),
          counted(T + 15 * 60_000 + 1, 0.1, "view"),
          counted(T + HOUR - 1, 1e-6),
        ],
        { writer: "w", seq: 1 },
      );
      const quarters = await log.reportCounts(37, T, T + HOUR);
      expect(quarters.map(([start, c]) => [(start - T) / 60_000, c.fires])).toEqual([
        [0, 1],
        [15, 2],
        [45, 1],
      ]);
      expect(quarters[1]?.[1]).toMatchObject({
        post_click_revenue_micros: 200_000,
        post_view_revenue_micros: 100_000,
      });
      // 0.1 + 0.2 is not 0.3 in floating point; in micros it is.
      const [, first] = (await log.reportCounts(37, T, T + HOUR))[0] ?? [];
      expect((first?.post_click_revenue_micros ?? 0) + 200_000).toBe(300_000);
      expect(quarters[2]?.[1].post_click_revenue_micros).toBe(1);
      // Quarters outside the range are left out even when their hour is read.
      expect(await log.reportCounts(37, T + 30 * 60_000, T + 45 * 60_000)).toEqual([]);
    });
  });

  describe("the conversion stream", () => {
    it("holds every counted conversion as its SPEC 4 row and stays within its bound", async () => {
      const log = new RedisFireLog(redis.client, {
        logDays: 90,
        statsDays: 400,
        streamMaxLen: 100,
      });
      for (let batch = 0; batch < 20; batch++)
        await log.append(
          Array.from({ length: 50 }, (_, i) => counted(T + batch * 50 + i, 1)),
          { writer: "w", seq: batch + 1 },
        );
      const length = await redis.client.xlen(keys.conversionStream);
      // Trimming is approximate (whole stream nodes of 100 entries): bounded, not exact.
      expect(length).toBeGreaterThanOrEqual(100);
      expect(length).toBeLessThanOrEqual(200);
      const [[, fields] = ["", []]] = await redis.client.xrevrange(
        keys.conversionStream,
        "+",
        "-",
        "COUNT",
        1,
      );
      expect(JSON.parse(fields[1] ?? "null")).toMatchObject({
        id: `f${serial - 1}`,
        pixel_id: 37,
        conversion_time: "2026-11-28 14:00:00",
        post_click_or_post_view_conv: "click",
        post_click_or_post_view_revenue: 1,
      });
    });
  });
});
