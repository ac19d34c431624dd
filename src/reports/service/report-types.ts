/**
 * The Report Service's report types (SPEC 11), as `GET /report?meta=` lists them: their
 * columns, which of them filter, the scope a request needs and the data they are read from.
 */

export type ReportTypeName =
  | "attributed_conversions"
  | "network_analytics"
  | "advertiser_analytics"
  | "pixel_fired";

export type ColumnType = "date" | "time" | "int" | "string" | "enum" | "money";

/**
 * What a column is to the query: a local time bucket (`hour`, `day`, `month`); a value the rows
 * are grouped by; an object's name, looked up from the id it is grouped by (`name_of`); a sum.
 */
export type ColumnRole = "time" | "dimension" | "name" | "metric";

export interface ReportColumn {
  name: string;
  type: ColumnType;
  filter: boolean;
  role: ColumnRole;
  /** For a name: the id column whose object it names. */
  nameOf?: string;
}

/**
 * Where rows come from: the quarter-hour aggregates, the conversion log, or the latest fire of
 * each pixel.
 */
export type ReportSourceName = "quarters" | "conversions" | "last_fire";

export const REPORT_INTERVALS = [
  "current_hour",
  "last_hour",
  "today",
  "yesterday",
  "last_48_hours",
  "last_7_days",
  "last_30_days",
  "month_to_yesterday",
  "month_to_date",
  "last_month",
  "lifetime",
] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export interface ReportType {
  name: ReportTypeName;
  /** advertiser: the request names one (`?advertiser_id=`); member: the member's, filterable. */
  scope: "advertiser" | "member";
  source: ReportSourceName;
  time_granularity: "hourly" | "lifetime";
  columns: readonly ReportColumn[];
  intervals: readonly ReportInterval[];
  /** How many days a start_date/end_date range may cover, when less than the data kept. */
  maxRangeDays?: number;
}

const time = (name: "hour" | "day" | "month"): ReportColumn => ({
  name,
  type: "time",
  filter: false,
  role: "time",
});
const id = (name: string, filter = true): ReportColumn => ({
  name,
  type: "int",
  filter,
  role: "dimension",
});
const nameOf = (name: string, idColumn: string): ReportColumn => ({
  name,
  type: "string",
  filter: false,
  role: "name",
  nameOf: idColumn,
});
const text = (name: string, type: ColumnType = "string"): ReportColumn => ({
  name,
  type,
  filter: true,
  role: "dimension",
});
const metric = (name: string, type: ColumnType): ReportColumn => ({
  name,
  type,
  filter: false,
  role: "metric",
});

const OBJECT_COLUMNS: readonly ReportColumn[] = [
  id("advertiser_id"),
  nameOf("advertiser_name", "advertiser_id"),
  id("pixel_id"),
  nameOf("pixel_name", "pixel_id"),
  id("line_item_id"),
  nameOf("line_item_name", "line_item_id"),
  id("campaign_id"),
  nameOf("campaign_name", "campaign_id"),
  id("creative_id"),
];

const ANALYTICS_COLUMNS: readonly ReportColumn[] = [
  time("hour"),
  time("day"),
  time("month"),
  ...OBJECT_COLUMNS,
  metric("post_click_convs", "int"),
  metric("post_view_convs", "int"),
  metric("total_convs", "int"),
  metric("post_click_revenue", "money"),
  metric("post_view_revenue", "money"),
  metric("total_revenue", "money"),
  metric("fires", "int"),
  metric("unattributed_fires", "int"),
];

const TIMED_INTERVALS = REPORT_INTERVALS;

export const REPORT_TYPES: Readonly<Record<ReportTypeName, ReportType>> = {
  attributed_conversions: {
    name: "attributed_conversions",
    scope: "advertiser",
    source: "conversions",
    time_granularity: "hourly",
    columns: [
      time("month"),
      time("day"),
      time("hour"),
      { name: "datetime", type: "date", filter: false, role: "dimension" },
      ...OBJECT_COLUMNS,
      text("order_id"),
      text("external_data"),
      text("post_click_or_post_view_conv", "enum"),
      { name: "imp_time", type: "date", filter: false, role: "dimension" },
      text("imp_type", "enum"),
      text("user_id"),
      metric("post_click_or_post_view_revenue", "money"),
    ],
    intervals: TIMED_INTERVALS,
    // Xandr: "the start_date and end_date fields can be set to a range within the last 33 days".
    maxRangeDays: 33,
  },
  network_analytics: {
    name: "network_analytics",
    scope: "member",
    source: "quarters",
    time_granularity: "hourly",
    columns: ANALYTICS_COLUMNS,
    intervals: TIMED_INTERVALS,
  },
  advertiser_analytics: {
    name: "advertiser_analytics",
    scope: "advertiser",
    source: "quarters",
    time_granularity: "hourly",
    columns: ANALYTICS_COLUMNS,
    intervals: TIMED_INTERVALS,
  },
  pixel_fired: {
    name: "pixel_fired",
    scope: "member",
    source: "last_fire",
    time_granularity: "lifetime",
    columns: [
      id("pixel_id"),
      nameOf("pixel_name", "pixel_id"),
      id("advertiser_id"),
      nameOf("advertiser_name", "advertiser_id"),
      { name: "last_fired", type: "date", filter: false, role: "metric" },
    ],
    intervals: ["lifetime"],
  },
};

export const isReportType = (name: unknown): name is ReportTypeName =>
  typeof name === "string" && Object.hasOwn(REPORT_TYPES, name);

export const columnOf = (type: ReportType, name: string): ReportColumn | undefined =>
  type.columns.find((c) => c.name === name);

/** `GET /report?meta=<type>`: Xandr's metadata shape. */
export function reportMeta(type: ReportType) {
  return {
    report_type: type.name,
    time_granularity: type.time_granularity,
    columns: type.columns.map((c) => ({ column: c.name, type: c.type })),
    filters: type.columns.filter((c) => c.filter).map((c) => ({ column: c.name, type: c.type })),
    time_intervals: type.intervals,
    scope: type.scope,
  };
}
