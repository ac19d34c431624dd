import {
  formatDateTime,
  isTimeZone,
  localTime,
  parseLocalTime,
  zonedInstant,
} from "../../reports/time-zone.js";
import { syntaxError } from "../api-error.js";

/** The stretch of time a report or the conversion list covers, and the zone it is read in. */
export interface ReportRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive (AppNexus: `end_date` is not part of the range). */
  to: number;
  zone: string;
}

const DAY_MS = 86_400_000;

export function timeZoneParam(raw: string | undefined): string {
  const zone = raw === undefined || raw === "" ? "UTC" : raw;
  if (!isTimeZone(zone))
    throw syntaxError("timezone", `"${zone.slice(0, 64)}" is not an IANA time zone name`);
  return zone;
}

/** A `start_date`/`end_date` in `zone`, or null when absent. */
export function dateParam(name: string, raw: string | undefined, zone: string): number | null {
  if (raw === undefined || raw === "") return null;
  const local = parseLocalTime(raw);
  if (!local) throw syntaxError(name, 'use "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS"');
  return zonedInstant(local, zone);
}

/** Local midnight `days` days after the day that contains `ms`. */
function midnight(ms: number, zone: string, days: number): number {
  const t = localTime(ms, zone);
  const day = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return zonedInstant(
    {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    zone,
  );
}

/**
 * `start_date` (inclusive), `end_date` (exclusive) and `timezone` (UTC by default), read in that
 * zone. A missing `start_date` is `defaultDays` local days before the end (or the beginning of
 * the logs when null); a missing `end_date` is the next local midnight.
 */
export function reportRange(
  query: Readonly<Record<string, string | undefined>>,
  now: number,
  options: { defaultDays: number | null; maxDays: number },
): ReportRange {
  const zone = timeZoneParam(query.timezone);
  const to = dateParam("end_date", query.end_date, zone) ?? midnight(now, zone, 1);
  const from =
    dateParam("start_date", query.start_date, zone) ??
    (options.defaultDays === null ? 0 : midnight(to - 1, zone, 1 - options.defaultDays));
  if (to <= from) throw syntaxError("end_date", "must be after start_date (it is exclusive)");
  if (to - from > options.maxDays * DAY_MS + 2 * 3_600_000)
    throw syntaxError("start_date", `the range may cover at most ${options.maxDays} days`);
  return { from, to, zone };
}

/** The range as the answer states it, in its zone. */
export function describeRange(range: ReportRange) {
  return {
    start_date: formatDateTime(localTime(range.from, range.zone)),
    end_date: formatDateTime(localTime(range.to, range.zone)),
    timezone: range.zone,
  };
}
