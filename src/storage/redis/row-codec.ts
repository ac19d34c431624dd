import type { FireLogEntry, FireLogRow } from "../../conversions/log-rows.js";

/**
 * Log rows as compact JSON arrays (field names would double the size of the biggest data
 * set in Redis). The order of FIELDS is the storage format: only append to it.
 */
const FIELDS = [
  "id",
  "ts",
  "pixel_id",
  "advertiser_id",
  "user_id",
  "order_id",
  "value",
  "other",
  "attributed",
  "counted",
  "reason",
  "conversion_type",
  "line_item_id",
  "campaign_id",
  "creative_id",
  "imp_ts",
] as const satisfies ReadonlyArray<keyof FireLogRow>;

const text = (value: string | null) => (value === null ? "null" : JSON.stringify(value));
const num = (value: number | null) => (value === null ? "null" : String(value));

/** The row as FIELDS orders it; written out by hand, this is half the cost of a generic encoder. */
export function encodeFireRow(row: FireLogRow): string {
  return `[${text(row.id)},${row.ts},${num(row.pixel_id)},${num(row.advertiser_id)},${text(row.user_id)},${text(row.order_id)},${num(row.value)},${text(row.other)},${row.attributed},${row.counted},${text(row.reason)},${text(row.conversion_type)},${num(row.line_item_id)},${num(row.campaign_id)},${num(row.creative_id)},${num(row.imp_ts)}]`;
}

export function decodeFireRow(text: string): FireLogRow {
  const values = JSON.parse(text) as unknown[];
  return Object.fromEntries(
    FIELDS.map((field, i) => [field, values[i] ?? null]),
  ) as unknown as FireLogRow;
}

/** A conversion log member: the fire's row with the revenue after it. */
export function encodeConversion(encodedFire: string, revenue: number | null): string {
  return `${encodedFire.slice(0, -1)},${revenue === null ? "null" : JSON.stringify(revenue)}]`;
}

export function decodeConversion(text: string): FireLogEntry {
  const values = JSON.parse(text) as unknown[];
  return {
    fire: decodeFireRow(JSON.stringify(values.slice(0, FIELDS.length))),
    revenue: (values[FIELDS.length] as number | null) ?? null,
  };
}
