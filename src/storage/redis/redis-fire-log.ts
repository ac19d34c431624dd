import { DAY_MS } from "../../attribution/limits.js";
import type { ConversionRow, FireLogRow } from "../../conversions/log-rows.js";
import { keys } from "../keys.js";
import type { FireLog, FireLogReader, TimeRange } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript } from "./define-script.js";
import { APPEND_FIRE_LUA } from "./scripts/append-fire.js";

export interface FireLogRetention {
  /** Fire log and conversion log rows older than this are trimmed. */
  logDays: number;
  /** Hourly report counters live this long. */
  statsDays: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_READ_LIMIT = 1000;

/**
 * Per pixel: the fire log (a stream), the conversion log (a sorted set by conversion time)
 * and hourly counters for reports, all written by one script call per fire.
 */
export class RedisFireLog implements FireLog, FireLogReader {
  private readonly script;

  constructor(
    private readonly redis: RedisClient,
    private readonly retention: FireLogRetention = { logDays: 90, statsDays: 400 },
  ) {
    this.script = defineScript<number>(redis, "appendFire", 3, APPEND_FIRE_LUA);
  }

  async append(fire: FireLogRow, conversion: ConversionRow | null): Promise<void> {
    const pixel = fire.pixel_id ?? "unknown";
    const oldest = fire.ts - this.retention.logDays * DAY_MS;
    await this.script(
      [
        keys.fireLog(pixel),
        keys.conversionLog(pixel),
        keys.hourlyStats(pixel, Math.floor(fire.ts / HOUR_MS)),
      ],
      [
        JSON.stringify(fire),
        conversion ? JSON.stringify(conversion) : "",
        fire.ts,
        Math.max(0, oldest),
        oldest,
        Math.ceil((this.retention.statsDays * DAY_MS) / 1000),
        fire.attributed ? "1" : "0",
        conversion?.post_click_or_post_view_conv ?? "",
        conversion?.post_click_or_post_view_revenue ?? "",
      ],
    );
  }

  /** Fires of a pixel in arrival order, oldest first. */
  async fires(pixelId: number | "unknown", range: TimeRange = {}): Promise<FireLogRow[]> {
    const entries = await this.redis.xrange(
      keys.fireLog(pixelId),
      range.from === undefined ? "-" : String(range.from),
      range.to === undefined ? "+" : `${range.to}-18446744073709551615`,
      "COUNT",
      range.limit ?? DEFAULT_READ_LIMIT,
    );
    return entries.map(([, fields]) => JSON.parse(fields[1] ?? "null") as FireLogRow);
  }

  /** Counted conversions of a pixel, newest first. */
  async conversions(pixelId: number, range: TimeRange = {}): Promise<ConversionRow[]> {
    const rows = await this.redis.zrevrangebyscore(
      keys.conversionLog(pixelId),
      range.to ?? "+inf",
      range.from ?? "-inf",
      "LIMIT",
      0,
      range.limit ?? DEFAULT_READ_LIMIT,
    );
    return rows.map((row) => JSON.parse(row) as ConversionRow);
  }

  /** The hourly report counters of a pixel for the hour containing `ts`. */
  async hourlyStats(pixelId: number | "unknown", ts: number): Promise<Record<string, number>> {
    const hash = await this.redis.hgetall(keys.hourlyStats(pixelId, Math.floor(ts / HOUR_MS)));
    return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
  }
}
