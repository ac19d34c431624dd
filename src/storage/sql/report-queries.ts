import type { ReportQuery, SourceRow } from "../../reports/service/report-job.js";
import type { SqlClient } from "./sql-client.js";

/**
 * Epoch ms as float8. date_part, not extract: extract returns numeric (PostgreSQL 14+), and
 * numeric arithmetic on every row of a month's aggregates doubled a report's time.
 */
const ms = (column: string) => `(date_part('epoch', ${column}) * 1000)`;
const micros = (sum: string) => `round(sum(${sum}) * 1000000)::text`;

interface Source {
  table: string;
  time: string;
  /** Dimension → its SQL (0 in the aggregates' id columns stands for "none"). */
  dimensions: Record<string, string>;
  metrics: Record<string, string>;
  /** Filter column → the stored column and its array type. */
  filters: Record<string, [column: string, type: "int4" | "text"]>;
}

const ID_FILTERS: Source["filters"] = {
  advertiser_id: ["advertiser_id", "int4"],
  pixel_id: ["pixel_id", "int4"],
  line_item_id: ["line_item_id", "int4"],
  campaign_id: ["campaign_id", "int4"],
  creative_id: ["creative_id", "int4"],
};

const SOURCES: Record<"quarters" | "conversions", Source> = {
  quarters: {
    table: "report_quarters",
    time: "quarter",
    dimensions: {
      advertiser_id: "advertiser_id",
      pixel_id: "pixel_id",
      line_item_id: "nullif(line_item_id, 0)",
      campaign_id: "nullif(campaign_id, 0)",
      creative_id: "nullif(creative_id, 0)",
    },
    metrics: {
      post_click_convs: "sum(post_click_convs)::float8",
      post_view_convs: "sum(post_view_convs)::float8",
      total_convs: "sum(post_click_convs + post_view_convs)::float8",
      post_click_revenue: micros("post_click_revenue"),
      post_view_revenue: micros("post_view_revenue"),
      total_revenue: micros("post_click_revenue + post_view_revenue"),
      fires: "sum(fires)::float8",
      unattributed_fires: "sum(unattributed_fires)::float8",
    },
    filters: ID_FILTERS,
  },
  conversions: {
    table: "conversions",
    time: "conversion_time",
    dimensions: {
      advertiser_id: "advertiser_id",
      pixel_id: "pixel_id",
      line_item_id: "nullif(line_item_id, 0)",
      campaign_id: "campaign_id",
      creative_id: "creative_id",
      order_id: "order_id",
      external_data: "other",
      post_click_or_post_view_conv: "conversion_type",
      imp_type: "conversion_type",
      user_id: "user_id",
      datetime: ms("conversion_time"),
      imp_time: ms("imp_time"),
    },
    metrics: { post_click_or_post_view_revenue: micros("revenue") },
    filters: {
      ...ID_FILTERS,
      order_id: ["order_id", "text"],
      external_data: ["other", "text"],
      post_click_or_post_view_conv: ["conversion_type", "text"],
      imp_type: ["conversion_type", "text"],
      user_id: ["user_id", "text"],
    },
  },
};

/**
 * The Report Service's reads (SPEC 11): rows grouped by the asked-for dimensions and local time
 * buckets, summed in the database. Time buckets come as boundaries computed in the report's
 * zone (src/reports/service/report-intervals.ts), so the database needs no time zone rules.
 * Column names reach the SQL only from the tables above, never from a request.
 */
export class SqlReportSource {
  constructor(private readonly sql: Pick<SqlClient, "query">) {}

  async rows(query: ReportQuery): Promise<SourceRow[]> {
    if (query.pixelIds.length === 0) return [];
    if (query.source === "last_fire") return this.lastFires(query);
    const source = SOURCES[query.source];
    const params: unknown[] = [query.pixelIds, query.from / 1000, query.to / 1000];
    const param = (value: unknown) => `$${params.push(value)}`;
    const select: string[] = [];
    if (query.buckets)
      select.push(
        `width_bucket(${ms(source.time)}, ${param(query.buckets.bounds)}::float8[]) AS bucket`,
      );
    for (const name of query.groupBy) select.push(`${known(source.dimensions, name)} AS ${name}`);
    const groups = select.length;
    for (const name of query.metrics) select.push(`${known(source.metrics, name)} AS ${name}`);
    const where = [
      "pixel_id = ANY($1::int4[])",
      `${source.time} >= to_timestamp($2)`,
      `${source.time} < to_timestamp($3)`,
    ];
    for (const [name, values] of Object.entries(query.filters)) {
      const [column, type] = known(source.filters, name);
      where.push(`${column} = ANY(${param(values)}::${type}[])`);
    }
    const groupBy = groups
      ? `GROUP BY ${Array.from({ length: groups }, (_, i) => i + 1).join(", ")}`
      : "";
    return this.sql.query<SourceRow>(
      `SELECT ${select.join(", ") || "count(*)::float8 AS n"}
         FROM ${source.table} WHERE ${where.join(" AND ")}
         ${groupBy} HAVING count(*) > 0 LIMIT ${param(query.limit)}`,
      params,
    );
  }

  /**
   * Each pixel's latest fire: its latest quarter through the primary key, then the latest fire
   * among that quarter's rows (the quarter itself for rows older than the last_fire column).
   */
  private async lastFires(query: ReportQuery): Promise<SourceRow[]> {
    return this.sql.query<SourceRow>(
      `SELECT p.id AS pixel_id, l.last_fired
         FROM unnest($1::int4[]) AS p(id)
         LEFT JOIN LATERAL (
           SELECT ${ms("coalesce(max(q.last_fire), max(q.quarter))")} AS last_fired
             FROM report_quarters q
            WHERE q.pixel_id = p.id
              AND q.quarter = (SELECT max(quarter) FROM report_quarters WHERE pixel_id = p.id)
         ) l ON true
        LIMIT $2`,
      [query.pixelIds, query.limit],
    );
  }
}

function known<T>(table: Record<string, T>, name: string): T {
  const value = Object.hasOwn(table, name) ? table[name] : undefined;
  if (value === undefined) throw new RangeError(`not a column of this report: ${name}`);
  return value;
}
