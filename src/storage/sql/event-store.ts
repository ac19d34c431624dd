import type { ConversionRow, FireLogEntry, FireLogRow } from "../../conversions/log-rows.js";
import type { ReportCounts } from "../../reports/report-counters.js";
import { answersWithin } from "../../with-timeout.js";
import type { BatchId, FireLog, FireLogReader, Logger, TimeRange } from "../ports.js";
import { APPEND_BATCH_SQL, type BatchColumns, batchColumns } from "./append-batch.js";
import { DayPartitions, dayOf } from "./partitions.js";
import { isRefusedForData, type RefusedFire, writeAroundRefused } from "./refused-fires.js";
import { SqlReportJobs } from "./report-jobs.js";
import { SqlReportSource } from "./report-queries.js";
import { conversionFromRow, fireFromRow } from "./row-mapping.js";
import type { SqlClient } from "./sql-client.js";
import { unstorableEntry } from "./storable-entry.js";

export interface StoreRetention {
  /** Day partitions of fires and conversions older than this are dropped. */
  logDays: number;
  /** Report aggregates older than this are deleted. */
  statsDays: number;
}

const DEFAULT_READ_LIMIT = 1000;
/** How long a batch's row in applied_batches is kept: a replay later than this could double. */
export const APPLIED_BATCH_DAYS = 30;
/** `no partition of relation … found for row`: a day another process dropped. */
const NO_PARTITION = "23514";

/**
 * The event store on PostgreSQL (SPEC 10): a batch of decided fires is written by one
 * statement (fires, conversions, report aggregates and the batch's row in applied_batches,
 * atomically), so a batch sent again after a lost reply adds nothing.
 */
export class SqlEventStore implements FireLog, FireLogReader {
  private readonly partitions: DayPartitions;
  /** The Report Service's queue and its reads (SPEC 11). */
  readonly reportJobs: SqlReportJobs;
  readonly reportSource: SqlReportSource;

  /** The database, for the API's objects (the same one: SPEC 15). */
  get sqlWhenReady(): SqlClient {
    return this.sql;
  }

  constructor(
    private readonly sql: SqlClient,
    private readonly retention: StoreRetention,
    private readonly clock: () => number,
    private readonly log: Logger,
    /** Told how many fires a batch kept aside as dead letters (metrics). */
    private readonly keptAside: (fires: number) => void = () => {},
  ) {
    this.partitions = new DayPartitions(sql);
    this.reportJobs = new SqlReportJobs(sql);
    this.reportSource = new SqlReportSource(sql);
  }

  /**
   * Writes a batch once: true when this call wrote it, false when it had been taken before.
   * Fires the store cannot hold are kept aside as dead letters and the rest stored: a batch is
   * never refused for its data, so nothing behind it waits (throws only while the store is away).
   */
  async append(entries: readonly FireLogEntry[], batch: BatchId): Promise<boolean> {
    const refused: RefusedFire[] = [];
    const storable: FireLogEntry[] = [];
    for (const entry of entries) {
      const why = unstorableEntry(entry);
      if (why) refused.push({ entry, code: "check", error: why });
      else storable.push(entry);
    }
    const firstKept = DayPartitions.firstKeptDay(this.clock(), this.retention.logDays);
    const kept = storable.filter((e) => dayOf(e.fire.ts) >= firstKept);
    if (kept.length < storable.length)
      this.log({
        level: "warn",
        msg: "fires older than LOG_RETENTION_DAYS not stored",
        fires: storable.length - kept.length,
      });
    for (let attempt = 0; ; attempt++) {
      await this.partitions.ensure(kept.map((e) => dayOf(e.fire.ts)));
      try {
        if (refused.length > 0) return await this.writeAround(batch, kept, refused);
        return await this.write(batch, kept.length, batchColumns(kept));
      } catch (error) {
        // A missing partition (another process dropped a day) is made again once; the same
        // code a second time is a CHECK the data fails.
        const noPartition = (error as { code?: string }).code === NO_PARTITION && attempt === 0;
        if (isRefusedForData(error) && !noPartition)
          return await this.writeAround(batch, kept, refused);
        if (!noPartition) throw error;
        this.partitions.forget();
      }
    }
  }

  /** The slow path of a batch with fires the store refuses (refused-fires.ts). */
  private async writeAround(
    batch: BatchId,
    entries: readonly FireLogEntry[],
    refused: readonly RefusedFire[],
  ): Promise<boolean> {
    const { taken, keptAside } = await writeAroundRefused(this.sql, batch, entries, refused);
    if (keptAside > 0) {
      this.keptAside(keptAside);
      this.log({
        level: "error",
        msg: "fires the store refused were kept aside in dead_letters",
        fires: keptAside,
        stored: entries.length + refused.length - keptAside,
        batch: `${batch.writer}/${batch.seq}`,
      });
    }
    return taken;
  }

  /** Fires kept aside as dead letters, in all (for /readyz). */
  async deadLetters(): Promise<number> {
    const [row] = await this.sql.query<{ n: string }>("SELECT count(*) AS n FROM dead_letters");
    return Number(row?.n ?? 0);
  }

  private async write(batch: BatchId, fires: number, columns: BatchColumns): Promise<boolean> {
    const [row] = await this.sql.query<{ taken: number }>(APPEND_BATCH_SQL, [
      batch.writer,
      batch.seq,
      fires,
      ...columns.fires,
      ...columns.conversions,
      ...columns.quarters,
    ]);
    return (row?.taken ?? 0) > 0;
  }

  /** "ok" when the database answers within half a second, else why not (for /readyz). */
  status(): Promise<string> {
    return answersWithin(this.sql.query("SELECT 1"), "unavailable");
  }

  /**
   * Drops expired day partitions, old aggregates and old batch rows, and makes today's and
   * tomorrow's partitions ahead of the first fire that needs them (run hourly).
   */
  async applyRetention(): Promise<{ dropped: string[] }> {
    const now = this.clock();
    await this.partitions.ensure([dayOf(now), dayOf(now) + 1]);
    const dropped = await this.partitions.dropBefore(now, this.retention.logDays);
    await this.sql.query("DELETE FROM report_quarters WHERE quarter < to_timestamp($1)", [
      (now - this.retention.statsDays * 86_400_000) / 1000,
    ]);
    await this.sql.query(
      `DELETE FROM applied_batches WHERE applied_at < now() - interval '${APPLIED_BATCH_DAYS} days'`,
    );
    return { dropped };
  }

  /** Fires of a pixel (or of unknown pixels), oldest first. */
  async fires(pixelId: number | "unknown", range: TimeRange = {}): Promise<FireLogRow[]> {
    const rows = await this.sql.query(
      `SELECT ${FIRE_COLUMNS} FROM fires f JOIN fire_reasons r ON r.code = f.reason
        WHERE ${pixelId === "unknown" ? "$1::int IS NULL AND f.reason = 8" : "f.pixel_id = $1 AND f.reason <> 8"}
          AND f.ts >= to_timestamp($2) AND f.ts <= to_timestamp($3)
        ORDER BY f.ts, f.id LIMIT $4`,
      [pixelId === "unknown" ? null : pixelId, ...bounds(range), range.limit ?? DEFAULT_READ_LIMIT],
    );
    return rows.map(fireFromRow);
  }

  /** Counted conversions of a pixel, newest first. */
  async conversions(pixelId: number, range: TimeRange = {}): Promise<ConversionRow[]> {
    const rows = await this.sql.query(
      `SELECT ${CONVERSION_COLUMNS} FROM conversions
        WHERE pixel_id = $1 AND conversion_time >= to_timestamp($2)
          AND conversion_time <= to_timestamp($3)
        ORDER BY conversion_time DESC, id DESC LIMIT $4`,
      [pixelId, ...bounds(range), range.limit ?? DEFAULT_READ_LIMIT],
    );
    return rows.map(conversionFromRow);
  }

  /**
   * Conversions in commit order: by writing transaction (`tx`), then id. Only transactions older
   * than every one still running are read (`pg_snapshot_xmin`), so a row committed later can
   * never land behind a cursor already handed out.
   */
  async conversionFeed(
    pixelIds: readonly number[],
    cursor: string | null,
    limit: number,
  ): Promise<{ conversions: ConversionRow[]; cursor: string }> {
    const [tx, id] = parseCursor(cursor);
    const rows = await this.sql.query(
      `SELECT tx::text AS tx, ${CONVERSION_COLUMNS} FROM conversions
        WHERE (tx, id) > ($1::xid8, $2::uuid) AND tx < pg_snapshot_xmin(pg_current_snapshot())
          AND pixel_id = ANY($3::int4[])
        ORDER BY tx, id LIMIT $4`,
      [tx, id, pixelIds, limit],
    );
    const last = rows.at(-1);
    return {
      conversions: rows.map(conversionFromRow),
      cursor: last ? `${last.tx}.${last.id}` : `${tx}.${id}`,
    };
  }

  /** A pixel's report counts per quarter hour that saw a fire, for quarters in [from, to). */
  async reportCounts(
    pixelId: number | "unknown",
    from: number,
    to: number,
  ): Promise<Array<[number, ReportCounts]>> {
    if (pixelId === "unknown") return [];
    const rows = await this.sql.query<Record<string, string | number>>(
      `SELECT (extract(epoch FROM quarter) * 1000)::float8 AS quarter,
              sum(fires)::float8 AS fires, sum(unattributed_fires)::float8 AS unattributed,
              sum(post_view_convs)::float8 AS view_convs, sum(post_click_convs)::float8 AS click_convs,
              round(sum(post_view_revenue) * 1000000)::text AS view_micros,
              round(sum(post_click_revenue) * 1000000)::text AS click_micros
         FROM report_quarters
        WHERE pixel_id = $1 AND quarter >= to_timestamp($2) AND quarter < to_timestamp($3)
        GROUP BY quarter ORDER BY quarter`,
      [pixelId, from / 1000, to / 1000],
    );
    return rows.map((r) => [
      Number(r.quarter),
      {
        fires: Number(r.fires),
        unattributed_fires: Number(r.unattributed),
        post_view_convs: Number(r.view_convs),
        post_click_convs: Number(r.click_convs),
        post_view_revenue_micros: Number(r.view_micros),
        post_click_revenue_micros: Number(r.click_micros),
      },
    ]);
  }
}

const CURSOR = /^(\d{1,20})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const START_CURSOR: [string, string] = ["0", "00000000-0000-0000-0000-000000000000"];

/** A feed cursor: `<tx>.<id>` of the last conversion read. */
export function parseCursor(cursor: string | null): [string, string] {
  if (cursor === null) return START_CURSOR;
  const match = CURSOR.exec(cursor);
  if (!match?.[1] || !match[2]) throw new RangeError("cursor");
  return [match[1], match[2]];
}

/** A read range in epoch seconds for to_timestamp(), unbounded ends as ±infinity. */
function bounds(range: TimeRange): [number | string, number | string] {
  return [
    range.from === undefined ? "-infinity" : range.from / 1000,
    range.to === undefined ? "infinity" : range.to / 1000,
  ];
}

const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

const FIRE_COLUMNS = [
  "f.id::text AS id",
  `${ms("f.ts")} AS ts`,
  "f.pixel_id",
  "f.advertiser_id",
  "coalesce(f.user_id::text, f.user_key) AS user_id",
  "f.order_id",
  "f.value::text AS value",
  "f.other",
  "f.attributed",
  "f.counted",
  "r.name AS reason",
  "f.conversion_type",
  "f.line_item_id",
  "f.campaign_id",
  "f.creative_id",
  `${ms("f.imp_ts")} AS imp_ts`,
].join(", ");

const CONVERSION_COLUMNS = [
  "id::text AS id",
  "pixel_id",
  "advertiser_id",
  "user_id",
  `${ms("conversion_time")} AS conversion_time`,
  "conversion_type",
  "line_item_id",
  "campaign_id",
  "creative_id",
  `${ms("imp_time")} AS imp_time`,
  "order_id",
  "other",
  "revenue::text AS revenue",
].join(", ");
