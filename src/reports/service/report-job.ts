import type { TimeGrain } from "./report-intervals.js";
import type { ReportSourceName, ReportTypeName } from "./report-types.js";

export type ReportFormat = "csv" | "excel";
export type FilterValue = string | number;

/**
 * A report request once checked (src/api/reports/report-request.ts): what a runner executes,
 * stored with the job as JSON, its scope already resolved to pixel ids, so that the job reads
 * exactly what its user could see when asking.
 */
export interface ReportRequest {
  report_type: ReportTypeName;
  columns: string[];
  /** Column → the values it may take (stored form: `click`/`view` for the enums). */
  filters: Record<string, FilterValue[]>;
  orders: Array<{ column: string; direction: "ASC" | "DESC" }>;
  /** Epoch ms: [from, to). */
  from: number;
  to: number;
  timezone: string;
  /** As the header states them, in the zone. */
  start_date: string;
  end_date: string;
  format: ReportFormat;
  escape_fields: boolean;
  pixel_ids: number[];
}

export type JobStatus = "pending" | "running" | "ready" | "error";

export interface NewReportJob {
  id: string;
  member_id: number;
  user_id: number;
  request: ReportRequest;
  json_request: string;
  header_info: string;
  created_on: number;
}

export interface ReportJob extends NewReportJob {
  status: JobStatus;
  row_count: number | null;
  error: string | null;
  finished_at: number | null;
}

/** What a runner asks the store for: grouped rows of one source. */
export interface ReportQuery {
  source: ReportSourceName;
  pixelIds: readonly number[];
  from: number;
  to: number;
  /** Bucket boundaries (epoch ms, ascending) when a time column is asked for. */
  buckets: { grain: TimeGrain; bounds: readonly number[] } | null;
  /** Stored dimensions to group by (`pixel_id`, `order_id`, `datetime`, …). */
  groupBy: readonly string[];
  metrics: readonly string[];
  filters: Readonly<Record<string, readonly FilterValue[]>>;
  /** Rows wanted at most: one more tells the runner the report is too large. */
  limit: number;
}

/**
 * A grouped row: `bucket` (1-based, into the bounds) when buckets were asked for; ids and
 * counts as numbers, money in millionths as text, times as epoch ms; null for "none".
 */
export type SourceRow = Record<string, string | number | null>;
