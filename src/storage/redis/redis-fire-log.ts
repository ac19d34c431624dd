import { DAY_MS } from "../../attribution/limits.js";
import {
  type ConversionRow,
  conversionRow,
  type FireLogEntry,
  type FireLogRow,
} from "../../conversions/log-rows.js";
import { keys } from "../keys.js";
import type { FireLog, FireLogReader, TimeRange } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript, type ScriptArg } from "./define-script.js";
import { decodeConversion, decodeFireRow, encodeConversion, encodeFireRow } from "./row-codec.js";
import { APPEND_FIRES_LUA } from "./scripts/append-fire.js";
import { bySlot } from "./slot-groups.js";

export interface FireLogRetention {
  /** Fire log and conversion log rows older than this are trimmed. */
  logDays: number;
  /** Hourly report counters live this long. */
  statsDays: number;
}

const HOUR_MS = 3_600_000;
const hourOf = (ts: number) => Math.floor(ts / HOUR_MS);

type Entry = FireLogEntry;

/**
 * Whose logs a fire goes to. Fires of pixels that do not exist share one log, so ids made up
 * by anyone on the internet cannot create keys.
 */
const logOwner = (fire: FireLogRow): number | "unknown" =>
  fire.reason === "unknown_pixel" || fire.pixel_id === null ? "unknown" : fire.pixel_id;

/** The report counter increments for a group of fires, in the script's order. */
function hourlyCounts(entries: readonly Entry[]): number[] {
  const counts = [entries.length, 0, 0, 0, 0, 0];
  for (const { fire, revenue } of entries) {
    if (!fire.attributed) counts[1] = (counts[1] ?? 0) + 1;
    if (!fire.counted) continue;
    const at = fire.conversion_type === "click" ? 3 : 2;
    counts[at] = (counts[at] ?? 0) + 1;
    counts[at + 2] = (counts[at + 2] ?? 0) + (revenue ?? 0);
  }
  return counts;
}
const DEFAULT_READ_LIMIT = 1000;

/**
 * Per pixel: the fire log (a stream), the conversion log (a sorted set by conversion time)
 * and hourly counters for reports, written by one script call per batch of fires.
 */
export class RedisFireLog implements FireLog, FireLogReader {
  private readonly script;

  constructor(
    private readonly redis: RedisClient,
    private readonly retention: FireLogRetention = { logDays: 90, statsDays: 400 },
  ) {
    this.script = defineScript<number>(redis, "appendFires", APPEND_FIRES_LUA);
  }

  /** Appends a batch of fires in one call (one per hash slot on Cluster). */
  async append(entries: readonly Entry[]): Promise<void> {
    const groups = new Map<string, Entry[]>();
    for (const entry of entries) {
      const key = keys.hourlyStats(logOwner(entry.fire), hourOf(entry.fire.ts));
      const group = groups.get(key);
      if (group) group.push(entry);
      else groups.set(key, [entry]);
    }
    const parts = bySlot(this.redis, [...groups], ([statsKey]) => statsKey);
    await Promise.all(parts.map((part) => this.callScript(part)));
  }

  private callScript(groups: Array<[statsKey: string, entries: Entry[]]>): Promise<number> {
    const scriptKeys: string[] = [];
    const args: ScriptArg[] = [Math.ceil((this.retention.statsDays * DAY_MS) / 1000)];
    for (const [statsKey, entries] of groups) {
      const pixel = entries[0] ? logOwner(entries[0].fire) : "unknown";
      scriptKeys.push(keys.fireLog(pixel), keys.conversionLog(pixel), statsKey);
      const newest = Math.max(...entries.map((e) => e.fire.ts));
      const oldest = newest - this.retention.logDays * DAY_MS;
      const rows = entries.map((e) => encodeFireRow(e.fire));
      const counted = entries.filter((e) => e.fire.counted).length;
      args.push(entries.length, counted, Math.max(0, oldest), oldest, ...rows);
      for (const [i, { fire, revenue }] of entries.entries())
        if (fire.counted) args.push(fire.ts, encodeConversion(rows[i] ?? "", revenue));
      args.push(...hourlyCounts(entries));
    }
    return this.script(scriptKeys, args);
  }

  /** Fires of a pixel in the order they were logged (batches may interleave; rows carry `ts`). */
  async fires(pixelId: number | "unknown", range: TimeRange = {}): Promise<FireLogRow[]> {
    const entries = await this.redis.xrange(
      keys.fireLog(pixelId),
      range.from === undefined ? "-" : String(range.from),
      range.to === undefined ? "+" : `${range.to}-18446744073709551615`,
      "COUNT",
      range.limit ?? DEFAULT_READ_LIMIT,
    );
    return entries.map(([, fields]) => decodeFireRow(fields[1] ?? "[]"));
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
    return rows.map((row) => conversionRow(decodeConversion(row)));
  }

  /** The hourly report counters of a pixel for the hour containing `ts`. */
  async hourlyStats(pixelId: number | "unknown", ts: number): Promise<Record<string, number>> {
    const hash = await this.redis.hgetall(keys.hourlyStats(pixelId, hourOf(ts)));
    return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
  }
}
