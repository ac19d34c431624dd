import { QUARTER_MS } from "../report-counters.js";
import { formatDate, type LocalTime, localTime, ZoneOffsets, zonedInstant } from "../time-zone.js";
import type { ReportInterval } from "./report-types.js";

export type TimeGrain = "hour" | "day" | "month";

const HOUR_MS = 3_600_000;

const wall = (t: Partial<LocalTime> & Pick<LocalTime, "year" | "month">): LocalTime => ({
  day: 1,
  hour: 0,
  minute: 0,
  second: 0,
  ...t,
});

/** Local midnight `days` days after the local day that contains `ms` (DST-safe). */
export function localMidnight(ms: number, zone: string, days = 0): number {
  const t = localTime(ms, zone);
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return zonedInstant(
    wall({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }),
    zone,
  );
}

/** The first local instant of the month `months` months after the one that contains `ms`. */
function localMonthStart(ms: number, zone: string, months = 0): number {
  const t = localTime(ms, zone);
  const d = new Date(Date.UTC(t.year, t.month - 1 + months, 1));
  return zonedInstant(wall({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 }), zone);
}

/** The start of the local hour that contains `ms` (a zone at +5:45 starts its hours at :15). */
function localHourStart(ms: number, zone: string): number {
  const t = localTime(ms, zone);
  return ms - (t.minute * 60 + t.second) * 1000 - (ms % 1000);
}

/**
 * A named `report_interval` as [from, to) in `zone` at `now`. Whole local days end before today
 * (`yesterday`, `last_7_days`, `last_30_days`, `month_to_yesterday`); `*_to_date`, `today` and
 * `lifetime` end at the next local midnight; `lifetime` starts at `earliest` (the retention).
 */
export function intervalRange(
  interval: ReportInterval,
  now: number,
  zone: string,
  earliest: number,
): { from: number; to: number } {
  const today = localMidnight(now, zone);
  const tomorrow = localMidnight(now, zone, 1);
  const hour = localHourStart(now, zone);
  switch (interval) {
    case "current_hour":
      return { from: hour, to: hour + HOUR_MS };
    case "last_hour":
      return { from: hour - HOUR_MS, to: hour };
    case "today":
      return { from: today, to: tomorrow };
    case "yesterday":
      return { from: localMidnight(now, zone, -1), to: today };
    case "last_48_hours":
      return { from: hour + HOUR_MS - 48 * HOUR_MS, to: hour + HOUR_MS };
    case "last_7_days":
      return { from: localMidnight(now, zone, -7), to: today };
    case "last_30_days":
      return { from: localMidnight(now, zone, -30), to: today };
    case "month_to_yesterday":
      return { from: Math.min(localMonthStart(now, zone), today), to: today };
    case "month_to_date":
      return { from: localMonthStart(now, zone), to: tomorrow };
    case "last_month":
      return { from: localMonthStart(now, zone, -1), to: localMonthStart(now, zone) };
    case "lifetime":
      return { from: earliest, to: tomorrow };
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A time column's text for the local time `t`: `2026-11`, `2026-11-28`, `2026-11-28 13:00`. */
export function grainLabel(grain: TimeGrain, t: LocalTime): string {
  if (grain === "month") return `${t.year}-${pad(t.month)}`;
  if (grain === "day") return formatDate(t);
  return `${formatDate(t)} ${pad(t.hour)}:00`;
}

export const FINEST_FIRST: readonly TimeGrain[] = ["hour", "day", "month"];

const DAY_MS = 86_400_000;

/**
 * A number that changes exactly when the `grain` label of a wall-clock time (ms since 1970 on
 * that wall clock) does: its hour, day, or year and month.
 */
function grainKey(grain: TimeGrain): (wall: number) => number {
  if (grain === "hour") return (wall) => Math.floor(wall / HOUR_MS);
  if (grain === "day") return (wall) => Math.floor(wall / DAY_MS);
  let day = Number.NaN;
  let month = Number.NaN;
  return (wall) => {
    const today = Math.floor(wall / DAY_MS);
    if (today !== day) {
      const d = new Date(today * DAY_MS);
      day = today;
      month = d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
    return month;
  };
}

/**
 * The boundaries of the local hours, days or months in [from, to): `from`, every quarter hour
 * where the label changes, and `to`. Every zone's offset is a whole number of quarter hours, so
 * a label can only change at a quarter; a day that starts in a DST gap starts at the jump, and
 * the repeated hour of a fall-back is one bucket of two hours, so labels never repeat. The
 * zone's offsets are found once (ZoneOffsets), then each quarter is arithmetic: the 400 days a
 * report may cover are 38,400 quarters, a few milliseconds.
 */
export function timeBuckets(
  grain: TimeGrain,
  from: number,
  to: number,
  zone: string,
  offsets: ZoneOffsets = new ZoneOffsets(zone, from, to),
): { bounds: number[]; starts: number[] } {
  const key = grainKey(grain);
  const bounds = [from];
  let previous = key(from + offsets.offsetAt(from));
  for (let q = Math.floor(from / QUARTER_MS) * QUARTER_MS + QUARTER_MS; q < to; q += QUARTER_MS) {
    const label = key(q + offsets.offsetAt(q));
    if (label !== previous) bounds.push(q);
    previous = label;
  }
  return { bounds: [...bounds, to], starts: bounds };
}
