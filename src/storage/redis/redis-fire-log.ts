import { DAY_MS } from "../../attribution/limits.js";
import {
  type ConversionRow,
  conversionRow,
  type FireLogEntry,
  type FireLogRow,
} from "../../conversions/log-rows.js";
import {
  counterIncrements,
  decodeHour,
  HOUR_MS,
  type ReportCounts,
} from "../../reports/report-counters.js";
import { keys } from "../keys.js";
import type { BatchId, FireLog, FireLogReader, TimeRange } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript, type ScriptArg } from "./define-script.js";
import { decodeConversion, decodeFireRow, encodeConversion, encodeFireRow } from "./row-codec.js";
import { APPEND_CONVERSION_STREAM_LUA } from "./scripts/append-conversion-stream.js";
import { APPEND_FIRES_LUA } from "./scripts/append-fire.js";
import { READ_COUNTERS_LUA } from "./scripts/read-counters.js";
import { bySlot } from "./slot-groups.js";

export interface FireLogRetention {
  /** Fire log, conversion log and conversion stream entries older than this are trimmed. */
  logDays: number;
  /** Report counters live this long. */
  statsDays: number;
  /** The conversion stream keeps about this many entries at most. */
  streamMaxLen: number;
}

const hourOf = (ts: number) => Math.floor(ts / HOUR_MS);

type Entry = FireLogEntry;

/**
 * Whose logs a fire goes to. Fires of pixels that do not exist share one log, so ids made up
 * by anyone on the internet cannot create keys.
 */
const logOwner = (fire: FireLogRow): number | "unknown" =>
  fire.reason === "unknown_pixel" || fire.pixel_id === null ? "unknown" : fire.pixel_id;

const DEFAULT_READ_LIMIT = 1000;
/**
 * How long a pixel remembers a writer's newest batch: a spooled batch replayed later than this
 * after it was first sent could be written twice (docs/operations.md).
 */
export const APPLIED_MARKER_TTL_MS = 30 * DAY_MS;
export const DEFAULT_RETENTION: FireLogRetention = {
  logDays: 90,
  statsDays: 400,
  streamMaxLen: 1_000_000,
};

/**
 * Per pixel: the fire log (a stream), the conversion log (a sorted set by conversion time)
 * and quarter-hour report counters, written by one script call per batch of fires; counted
 * conversions also go to one stream for other systems, in the same pipeline.
 */
export class RedisFireLog implements FireLog, FireLogReader {
  private readonly script;
  private readonly streamScript;
  private readonly readCounters;

  constructor(
    private readonly redis: RedisClient,
    private readonly retention: FireLogRetention = DEFAULT_RETENTION,
  ) {
    this.script = defineScript<number>(redis, "appendFires", APPEND_FIRES_LUA);
    this.streamScript = defineScript<number>(
      redis,
      "appendConversionStream",
      APPEND_CONVERSION_STREAM_LUA,
    );
    this.readCounters = defineScript<string[][]>(redis, "readCounters", READ_COUNTERS_LUA);
  }

  /**
   * Appends a batch of fires in one call (one per hash slot on Cluster), once: the same batch
   * (writer and number) appended again changes nothing.
   */
  async append(entries: readonly Entry[], batch: BatchId): Promise<void> {
    const groups = new Map<string, Entry[]>();
    for (const entry of entries) {
      const key = keys.hourlyStats(logOwner(entry.fire), hourOf(entry.fire.ts));
      const group = groups.get(key);
      if (group) group.push(entry);
      else groups.set(key, [entry]);
    }
    const parts = bySlot(this.redis, [...groups], ([statsKey]) => statsKey);
    await Promise.all([
      ...parts.map((part) => this.callScript(part, batch)),
      this.stream(entries, batch),
    ]);
  }

  /** The counted conversions of a batch onto the conversion stream. */
  private async stream(entries: readonly Entry[], batch: BatchId): Promise<void> {
    const counted = entries.filter((e) => e.fire.counted);
    if (counted.length === 0) return;
    const newest = Math.max(...counted.map((e) => e.fire.ts));
    const oldest = Math.max(0, newest - this.retention.logDays * DAY_MS);
    await this.streamScript(
      [keys.conversionStream, keys.streamAppliedBatch(batch.writer)],
      [
        oldest,
        this.retention.streamMaxLen,
        batch.seq,
        APPLIED_MARKER_TTL_MS,
        ...counted.map((e) => JSON.stringify(conversionRow(e))),
      ],
    );
  }

  private callScript(
    groups: Array<[statsKey: string, entries: Entry[]]>,
    batch: BatchId,
  ): Promise<number> {
    const scriptKeys: string[] = [];
    const args: ScriptArg[] = [
      Math.ceil((this.retention.statsDays * DAY_MS) / 1000),
      batch.seq,
      APPLIED_MARKER_TTL_MS,
    ];
    for (const [statsKey, entries] of groups) {
      const pixel = entries[0] ? logOwner(entries[0].fire) : "unknown";
      scriptKeys.push(
        keys.fireLog(pixel),
        keys.conversionLog(pixel),
        statsKey,
        keys.appliedBatch(pixel, batch.writer),
      );
      let newest = 0;
      for (const { fire } of entries) if (fire.ts > newest) newest = fire.ts;
      const oldest = newest - this.retention.logDays * DAY_MS;
      let rows = "";
      let conversions = "";
      for (const { fire, revenue } of entries) {
        const row = encodeFireRow(fire);
        rows += rows ? `\n${row}` : row;
        if (fire.counted) conversions += `${fire.ts}\t${encodeConversion(row, revenue)}\n`;
      }
      let counters = "";
      for (const [field, by] of counterIncrements(entries)) counters += `${field}=${by},`;
      args.push(Math.max(0, oldest), oldest, rows, conversions, counters);
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

  /**
   * A pixel's report counts per quarter hour, for the quarters that start in [from, to) and
   * saw a fire: `[quarter start (ms), counts]`, oldest first.
   */
  async reportCounts(
    pixelId: number | "unknown",
    from: number,
    to: number,
  ): Promise<Array<[number, ReportCounts]>> {
    const hours: number[] = [];
    for (let hour = hourOf(from); hour * HOUR_MS < to; hour++) hours.push(hour);
    const hashes = await this.readCounters(
      hours.map((hour) => keys.hourlyStats(pixelId, hour)),
      [],
    );
    return hashes
      .flatMap((fields, i) => {
        const hash: Record<string, string> = {};
        for (let f = 0; f + 1 < fields.length; f += 2) hash[fields[f] ?? ""] = fields[f + 1] ?? "";
        return decodeHour((hours[i] ?? 0) * HOUR_MS, hash);
      })
      .filter(([quarter]) => quarter >= from && quarter < to);
  }
}
