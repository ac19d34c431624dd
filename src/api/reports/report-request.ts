import { unstorableText } from "../../fields/storable-text.js";
import { intervalRange, localMidnight } from "../../reports/service/report-intervals.js";
import type { FilterValue, ReportFormat, ReportRequest } from "../../reports/service/report-job.js";
import {
  columnOf,
  isReportType,
  REPORT_TYPES,
  type ReportColumn,
  type ReportInterval,
  type ReportType,
} from "../../reports/service/report-types.js";
import { formatDateTime, localTime } from "../../reports/time-zone.js";
import { syntaxError } from "../api-error.js";
import { dateParam, timeZoneParam } from "./report-range.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAX_COLUMNS = 40;
/** Filter objects in a request: more than one per filter column is allowed, not without end. */
const MAX_FILTERS = 100;
const MAX_FILTER_VALUES = 1000;
/** Longer than any stored order_id, external_data or user_id. */
const MAX_FILTER_CHARS = 1000;

/** Fields of a report request this service reads; the others are ignored with a warning. */
const READ = new Set([
  "report_type",
  "columns",
  "filters",
  "orders",
  "report_interval",
  "start_date",
  "end_date",
  "timezone",
  "format",
  "escape_fields",
]);

/** Stored values of the conversion-type enums, by the text a request filters with. */
const ENUM_VALUES: Record<string, Record<string, string>> = {
  post_click_or_post_view_conv: { "post click": "click", "post view": "view" },
  imp_type: { click: "click", impression: "view" },
};

export interface CheckedReport {
  request: Omit<ReportRequest, "pixel_ids">;
  type: ReportType;
  warnings: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `{"report": {...}}` as POST /report takes it (SPEC 11), checked: an unknown report type,
 * column, filter, order, interval, time zone or format, or a malformed or out-of-retention
 * date, is a SYNTAX error naming the field; fields it does not read are warnings.
 * `retentionDays` is how far back the report's data is kept.
 */
export function checkReportRequest(
  body: unknown,
  now: number,
  retentionDays: (type: ReportType) => number,
): CheckedReport {
  const report = isObject(body) ? body.report : undefined;
  if (!isObject(report)) throw syntaxError("report", 'the body must be {"report": {...}}');
  const warnings = Object.keys(report)
    .filter((k) => !READ.has(k))
    .map((k) => `report.${k.slice(0, 64)} is not read by this service and was ignored`);
  if (!isReportType(report.report_type))
    throw syntaxError("report_type", `must be one of ${Object.keys(REPORT_TYPES).join(", ")}`);
  const type = REPORT_TYPES[report.report_type];
  const columns = checkColumns(type, report.columns);
  const timezone = timeZoneParam(stringField("timezone", report.timezone));
  const earliest = localMidnight(now - retentionDays(type) * DAY_MS, timezone, 1);
  const { from, to } = checkRange(type, report, now, timezone, earliest);
  return {
    type,
    warnings,
    request: {
      report_type: type.name,
      columns,
      filters: checkFilters(type, report.filters),
      orders: checkOrders(columns, report.orders),
      from,
      to,
      timezone,
      start_date: formatDateTime(localTime(from, timezone)),
      end_date: formatDateTime(localTime(to, timezone)),
      format: checkFormat(report.format),
      escape_fields: report.escape_fields === true,
    },
  };
}

function stringField(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw syntaxError(name, "must be a string");
  return value;
}

function checkColumns(type: ReportType, raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw syntaxError("columns", "must be a non-empty list of column names");
  if (raw.length > MAX_COLUMNS) throw syntaxError("columns", `at most ${MAX_COLUMNS}`);
  const seen = new Set<string>();
  for (const name of raw) {
    if (typeof name !== "string" || !columnOf(type, name))
      throw syntaxError(
        "columns",
        `${JSON.stringify(String(name).slice(0, 64))} is not a column of ${type.name} (GET /report?meta=${type.name})`,
      );
    if (seen.has(name)) throw syntaxError("columns", `${name} is asked for twice`);
    seen.add(name);
  }
  return [...seen];
}

function filterValue(column: ReportColumn, value: unknown): FilterValue {
  if (column.type === "int") {
    const n = typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n > 2_147_483_647)
      throw syntaxError(`filters.${column.name}`, "must be an id or a list of ids");
    return n;
  }
  if (typeof value !== "string" && typeof value !== "number")
    throw syntaxError(`filters.${column.name}`, "must be a value or a list of values");
  const enumValues = ENUM_VALUES[column.name];
  if (!enumValues) {
    const text = String(value);
    // The job's request is jsonb: a value it cannot hold is the request's fault, not a 500.
    const unstorable = unstorableText(text);
    if (unstorable) throw syntaxError(`filters.${column.name}`, unstorable);
    if (text.length > MAX_FILTER_CHARS)
      throw syntaxError(`filters.${column.name}`, `at most ${MAX_FILTER_CHARS} characters a value`);
    return text;
  }
  const stored = enumValues[String(value).toLowerCase()];
  if (!stored)
    throw syntaxError(
      `filters.${column.name}`,
      `must be ${Object.keys(enumValues)
        .map((v) => JSON.stringify(v.replace(/\b\w/g, (l) => l.toUpperCase())))
        .join(" or ")}`,
    );
  return stored;
}

/** `[{"col": v}, {"col2": [v, w]}]`; a column named twice keeps the values both allow. */
function checkFilters(type: ReportType, raw: unknown): Record<string, FilterValue[]> {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw syntaxError("filters", 'must be a list like [{"pixel_id": 1}]');
  if (raw.length > MAX_FILTERS) throw syntaxError("filters", `at most ${MAX_FILTERS} filters`);
  const filters: Record<string, FilterValue[]> = {};
  for (const entry of raw) {
    if (!isObject(entry)) throw syntaxError("filters", 'must be a list like [{"pixel_id": 1}]');
    for (const [name, value] of Object.entries(entry)) {
      const column = columnOf(type, name);
      if (!column?.filter)
        throw syntaxError(
          "filters",
          `${JSON.stringify(name.slice(0, 64))} is not a filter of ${type.name}`,
        );
      const list: unknown[] = Array.isArray(value) ? value : [value];
      if (list.length === 0 || list.length > MAX_FILTER_VALUES)
        throw syntaxError(`filters.${name}`, `give 1 to ${MAX_FILTER_VALUES} values`);
      const values = list.map((v) => filterValue(column, v));
      const before = filters[name];
      const allowed = new Set(before);
      filters[name] = before ? values.filter((v) => allowed.has(v)) : [...new Set(values)];
    }
  }
  return filters;
}

function checkOrders(columns: string[], raw: unknown): ReportRequest["orders"] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw syntaxError("orders", 'must be a list like [{"order_by": "day", "direction": "ASC"}]');
  // Each order is a key every comparison of the sort may read: one per column at most.
  const ordered = new Set<string>();
  return raw.map((entry) => {
    const order = typeof entry === "string" ? { order_by: entry } : entry;
    if (!isObject(order) || typeof order.order_by !== "string")
      throw syntaxError("orders", 'each must be {"order_by": <column>, "direction": "ASC"|"DESC"}');
    if (!columns.includes(order.order_by))
      throw syntaxError(
        "orders",
        `${JSON.stringify(order.order_by.slice(0, 64))} is not one of the report's columns`,
      );
    if (ordered.has(order.order_by))
      throw syntaxError("orders", `${order.order_by} is ordered by twice`);
    ordered.add(order.order_by);
    const direction = String(order.direction ?? "ASC").toUpperCase();
    if (direction !== "ASC" && direction !== "DESC")
      throw syntaxError("orders", "direction must be ASC or DESC");
    return { column: order.order_by, direction };
  });
}

function checkFormat(raw: unknown): ReportFormat {
  if (raw === undefined || raw === null || raw === "csv") return "csv";
  if (raw === "excel") return "excel";
  throw syntaxError("format", 'must be "csv" or "excel" (tab-separated)');
}

function checkRange(
  type: ReportType,
  report: Record<string, unknown>,
  now: number,
  zone: string,
  earliest: number,
): { from: number; to: number } {
  const start = stringField("start_date", report.start_date);
  const end = stringField("end_date", report.end_date);
  const interval = stringField("report_interval", report.report_interval);
  if (start !== undefined && type.time_granularity === "hourly") {
    // A range ends by the end of today: there is no data after now, and a report's work grows
    // with its range (to 9999-12-31 it walked 2.7 million days of quarter hours).
    const endOfToday = localMidnight(now, zone, 1);
    const from = dateParam("start_date", start, zone) ?? 0;
    const to = dateParam("end_date", end, zone) ?? endOfToday;
    if (to > endOfToday)
      throw syntaxError(
        "end_date",
        `is after the end of today (${formatDateTime(localTime(endOfToday, zone))} in ${zone}): there is no data after now`,
      );
    if (to <= from) throw syntaxError("end_date", "must be after start_date (it is exclusive)");
    if (from < earliest)
      throw syntaxError(
        "start_date",
        `is before ${formatDateTime(localTime(earliest, zone))}: this report's data is kept ${Math.round((now - earliest) / DAY_MS)} days`,
      );
    // A day of a DST change is 25 hours long.
    if (type.maxRangeDays !== undefined && to - from > type.maxRangeDays * DAY_MS + HOUR_MS)
      throw syntaxError(
        "start_date",
        `${type.name} covers at most ${type.maxRangeDays} days from start_date to end_date`,
      );
    return { from, to };
  }
  if (end !== undefined && start === undefined && type.time_granularity === "hourly")
    throw syntaxError("start_date", "end_date needs a start_date");
  const named = interval ?? (type.intervals.length === 1 ? type.intervals[0] : undefined);
  if (named === undefined)
    throw syntaxError("report_interval", "give report_interval, or start_date and end_date");
  if (!type.intervals.includes(named as ReportInterval))
    throw syntaxError(
      "report_interval",
      `${JSON.stringify(named.slice(0, 64))} is not an interval of ${type.name}: ${type.intervals.join(", ")}`,
    );
  const range = intervalRange(named as ReportInterval, now, zone, earliest);
  return { from: Math.max(range.from, earliest), to: Math.max(range.to, earliest) };
}
