import { DAY_MS } from "../attribution/limits.js";

/** How far back a server-side conversion may be dated (SPEC 12): a week of batching. */
export const CONVERSION_MAX_AGE_MS = 7 * DAY_MS;
/** Clocks disagree: an event this far ahead of ours is still taken. */
export const EVENT_MAX_AHEAD_MS = 5 * 60_000;

/** Epoch ms from ISO-8601 text or epoch milliseconds, or null. */
export function parseEventTime(ts: string | number): number | null {
  const ms =
    typeof ts === "number" ? ts : /^\d{4}-\d\d-\d\dT/.test(ts) ? Date.parse(ts) : Number.NaN;
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : null;
}

/**
 * When a server-side conversion happened: its `ts` (now when it has none; digits, as a query
 * string brings them, are epoch milliseconds), or why it is refused (not a time, more than 7
 * days old, more than 5 minutes ahead).
 *
 * @example conversionTime("2026-11-28T10:00:00Z", Date.UTC(2026, 10, 28, 12)) // 1795860000000
 */
export function conversionTime(ts: string | number | undefined, now: number): number | string {
  if (ts === undefined) return now;
  const ms = parseEventTime(typeof ts === "string" && /^\d{1,15}$/.test(ts) ? Number(ts) : ts);
  if (ms === null) return "ts: must be ISO-8601 or epoch milliseconds";
  if (ms < now - CONVERSION_MAX_AGE_MS) return "ts: more than 7 days old";
  if (ms > now + EVENT_MAX_AHEAD_MS) return "ts: more than 5 minutes in the future";
  return ms;
}
