import { formatDateTime, localTime } from "../time-zone.js";
import { FINEST_FIRST, grainLabel, type TimeGrain, timeBuckets } from "./report-intervals.js";
import type { ReportQuery, ReportRequest, SourceRow } from "./report-job.js";
import { columnOf, REPORT_TYPES, type ReportColumn } from "./report-types.js";

/** A report's cell: text, a count, or empty. */
export type Cell = string | number | null;

/** The names the rows' ids stand for, looked up among the objects (never across members). */
export interface ObjectNames {
  pixels: ReadonlyMap<number, { name: string; advertiser_id: number }>;
  advertisers: ReadonlyMap<number, string>;
  lineItems: ReadonlyMap<number, string>;
  campaigns: ReadonlyMap<number, string>;
}

const columns = (request: ReportRequest): ReportColumn[] => {
  const type = REPORT_TYPES[request.report_type];
  return request.columns.map((name) => {
    const column = columnOf(type, name);
    if (!column) throw new RangeError(`not a column of ${type.name}: ${name}`);
    return column;
  });
};

const finestGrain = (request: ReportRequest): TimeGrain | null =>
  FINEST_FIRST.find((g) => request.columns.includes(g)) ?? null;

/** What the store is asked for to make a report: a name is read through its id. */
export function reportQuery(request: ReportRequest, limit: number): ReportQuery {
  const type = REPORT_TYPES[request.report_type];
  const groupBy = new Set<string>();
  const metrics: string[] = [];
  for (const column of columns(request)) {
    if (column.role === "dimension") groupBy.add(column.name);
    if (column.role === "name" && column.nameOf) groupBy.add(column.nameOf);
    if (column.role === "metric") metrics.push(column.name);
  }
  const grain = type.source === "last_fire" ? null : finestGrain(request);
  return {
    source: type.source,
    pixelIds: request.pixel_ids,
    from: request.from,
    to: request.to,
    buckets: grain
      ? { grain, bounds: timeBuckets(grain, request.from, request.to, request.timezone).bounds }
      : null,
    groupBy: type.source === "last_fire" ? [] : [...groupBy],
    metrics: type.source === "last_fire" ? [] : metrics,
    filters: type.source === "last_fire" ? {} : request.filters,
    limit,
  };
}

const CONVERSION_TYPE: Record<string, Record<string, string>> = {
  post_click_or_post_view_conv: { click: "Post Click", view: "Post View" },
  imp_type: { click: "Click", view: "Impression" },
};

/** Millionths as a decimal: 49900000 → 49.9. */
const fromMicros = (text: string | number | null): number | null =>
  text === null ? null : Number(text) / 1_000_000;

const asId = (value: Cell | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * The report's rows from the store's: time buckets as local labels, ids' names, conversion
 * types as Xandr writes them, money as decimals, times in the report's zone; sorted by
 * `orders`, then by the columns in the order asked for, so that a report reads the same twice.
 */
export function reportRows(
  request: ReportRequest,
  query: ReportQuery,
  rows: readonly SourceRow[],
  names: ObjectNames,
): Cell[][] {
  const wanted = columns(request);
  const zone = request.timezone;
  const starts = query.buckets ? query.buckets.bounds.slice(0, -1) : [];
  const labelCache = new Map<string, string>();
  const timeLabel = (grain: TimeGrain, bucket: number): string | null => {
    const start = starts[bucket - 1];
    if (start === undefined) return null;
    const key = `${grain}:${bucket}`;
    let label = labelCache.get(key);
    if (label === undefined) {
      label = grainLabel(grain, localTime(start, zone));
      labelCache.set(key, label);
    }
    return label;
  };
  const at = (value: Cell | undefined) =>
    value === null || value === undefined ? null : formatDateTime(localTime(Number(value), zone));
  const out = rows.map((stored) => {
    // The latest fires come per pixel: a pixel's advertiser is the pixel's.
    const row =
      stored.advertiser_id === undefined && stored.pixel_id !== undefined
        ? {
            ...stored,
            advertiser_id: names.pixels.get(Number(stored.pixel_id))?.advertiser_id ?? null,
          }
        : stored;
    return wanted.map((column): Cell => {
      const value = row[column.name];
      switch (column.role) {
        case "time":
          return timeLabel(column.name as TimeGrain, Number(row.bucket));
        case "name":
          return nameFor(column.name, asId(row[column.nameOf ?? ""]), names);
        case "metric":
          if (column.name === "last_fired") return at(value);
          return column.type === "money" ? fromMicros(value ?? null) : Number(value ?? 0);
        default:
          if (column.name === "datetime" || column.name === "imp_time") return at(value);
          if (CONVERSION_TYPE[column.name])
            return CONVERSION_TYPE[column.name]?.[String(value)] ?? null;
          return value ?? null;
      }
    });
  });
  return sortRows(out, request, wanted);
}

function nameFor(column: string, id: number | null, names: ObjectNames): string | null {
  if (id === null) return null;
  if (column === "pixel_name") return names.pixels.get(id)?.name ?? null;
  if (column === "advertiser_name") return names.advertisers.get(id) ?? null;
  if (column === "line_item_name") return names.lineItems.get(id) ?? null;
  if (column === "campaign_name") return names.campaigns.get(id) ?? null;
  return null;
}

/** Empty cells first, numbers by value, text by code point. */
function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function sortRows(rows: Cell[][], request: ReportRequest, wanted: ReportColumn[]): Cell[][] {
  const keys = [
    ...request.orders.map((o) => ({
      index: wanted.findIndex((c) => c.name === o.column),
      sign: o.direction === "DESC" ? -1 : 1,
    })),
    ...wanted.map((_, index) => ({ index, sign: 1 })),
  ].filter((k) => k.index >= 0);
  return rows.sort((a, b) => {
    for (const { index, sign } of keys) {
      const order = compareCells(a[index] ?? null, b[index] ?? null);
      if (order !== 0) return sign * order;
    }
    return 0;
  });
}
