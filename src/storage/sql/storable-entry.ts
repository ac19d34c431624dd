import type { FireLogEntry } from "../../conversions/log-rows.js";
import { isMoney } from "../../fields/money.js";
import { isObjectId } from "../../fields/object-id.js";
import { unstorableText } from "../../fields/storable-text.js";
import { REASON_CODES } from "./append-batch.js";

/** 2000-01-01 and 9999-12-31 UTC: the times a fire's columns take (to_timestamp, day names). */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31);
/** The longest user id kept as text (a UUID is 36 characters). */
const MAX_USER_KEY = 64;

const ID_COLUMNS = [
  "pixel_id",
  "advertiser_id",
  "line_item_id",
  "campaign_id",
  "creative_id",
] as const;

const isTime = (ms: unknown): ms is number =>
  typeof ms === "number" && Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;

/**
 * Why the event store's columns cannot hold this fire, or null when they can: the last check
 * before a batch is written, against the bounds every input path validates with (src/fields/).
 * A fire that fails it was let in by something that should not have (a touch an earlier version
 * stored, a spool written by one): it is kept aside as a dead letter, never left to fail its
 * batch over and over.
 */
export function unstorableEntry({ fire, revenue }: FireLogEntry): string | null {
  if (!isTime(fire.ts)) return "ts: not a time the store holds";
  if (fire.imp_ts !== null && !isTime(fire.imp_ts)) return "imp_ts: not a time the store holds";
  for (const column of ID_COLUMNS) {
    const id = fire[column];
    if (id !== null && !isObjectId(id)) return `${column}: not an id the store holds`;
  }
  if (!(fire.reason in REASON_CODES)) return "reason: unknown";
  if (
    fire.conversion_type !== null &&
    fire.conversion_type !== "click" &&
    fire.conversion_type !== "view"
  )
    return "conversion_type: neither click nor view";
  if (fire.counted && (fire.pixel_id === null || fire.advertiser_id === null))
    return "counted: a conversion without its pixel and advertiser";
  if (fire.value !== null && !isMoney(fire.value)) return "value: not an amount the store holds";
  if (revenue !== null && !isMoney(revenue)) return "revenue: not an amount the store holds";
  if (typeof fire.user_id !== "string" || fire.user_id.length > MAX_USER_KEY)
    return "user_id: not a user id";
  for (const column of ["user_id", "order_id", "other"] as const) {
    const text = fire[column];
    const why = text === null ? null : unstorableText(text);
    if (why) return `${column}: ${why}`;
  }
  return null;
}
