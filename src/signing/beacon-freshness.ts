/**
 * How long a signed beacon stays good (SPEC 14): its signed `ts` (epoch seconds) bounds how
 * long a leaked or logged URL can be replayed. Pure: the clock is passed in.
 */

/** `/imp` is good this long after its ts unless BEACON_MAX_AGE_S says otherwise. */
export const DEFAULT_IMP_MAX_AGE_S = 3600;
/** `/click` stays good for 30 days: a click URL sits in a page for as long as the ad does. */
export const CLICK_MAX_AGE_S = 30 * 86_400;
/** Clocks disagree: a ts this far ahead of ours is still taken. */
export const MAX_AHEAD_S = 5 * 60;

// Ten digits at most: epoch seconds until 2286; a millisecond ts (13 digits) is refused.
const EPOCH_SECONDS = /^[1-9][0-9]{0,9}$/;

export type Freshness = "fresh" | "missing" | "malformed" | "stale" | "ahead";

/**
 * Whether a beacon's `ts` is within `maxAgeS` before `nowMs`, and at most 5 minutes after.
 *
 * @example beaconFreshness("1795867200", Date.UTC(2026, 10, 28, 12, 30), 3600) // "fresh"
 */
export function beaconFreshness(ts: string | null, nowMs: number, maxAgeS: number): Freshness {
  if (ts === null || ts === "") return "missing";
  if (!EPOCH_SECONDS.test(ts)) return "malformed";
  const ageS = nowMs / 1000 - Number(ts);
  if (ageS > maxAgeS) return "stale";
  if (ageS < -MAX_AHEAD_S) return "ahead";
  return "fresh";
}
