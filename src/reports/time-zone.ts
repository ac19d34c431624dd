/**
 * Local dates and times in IANA time zones, with nothing but Intl: reports group by the
 * advertiser's day, and a day in a zone is not always 24 hours (daylight saving).
 */

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone name this runtime knows (`UTC`, `Europe/Paris`). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `zone` at an instant (epoch ms). */
export function localTime(ms: number, zone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(ms))
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const asUtc = (t: LocalTime) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/** The zone's offset from UTC (ms) at an instant. */
function offsetAt(ms: number, zone: string): number {
  return asUtc(localTime(ms, zone)) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in `zone`. A repeated time (clocks set back) is its
 * first occurrence; a skipped one (clocks set forward) is read with the offset before the jump,
 * so a day that starts in a gap starts at the jump.
 */
export function zonedInstant(t: LocalTime, zone: string): number {
  const wall = asUtc(t);
  // The offsets a day either side: a clock change near this time is between them.
  const before = wall - offsetAt(wall - DAY_MS, zone);
  const after = wall - offsetAt(wall + DAY_MS, zone);
  const shows = (ms: number) => asUtc(localTime(ms, zone)) === wall;
  if (shows(before) && shows(after)) return Math.min(before, after);
  if (shows(after)) return after;
  return before;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-11-28` */
export function formatDate(t: LocalTime): string {
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

/** `2026-11-28 13:00:00` */
export function formatDateTime(t: LocalTime): string {
  return `${formatDate(t)} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

/** `2026-11-28` or `2026-11-28 13:05:00` (a `T` also separates them) as a local time. */
export function parseLocalTime(text: string): LocalTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
  const t = { year, month, day, hour, minute, second } as LocalTime;
  // Rejects 2026-02-30 and 25:00: the fields must survive a round trip through Date.
  const back = new Date(asUtc(t));
  if (
    back.getUTCFullYear() !== t.year ||
    back.getUTCMonth() + 1 !== t.month ||
    back.getUTCDate() !== t.day ||
    back.getUTCHours() !== t.hour ||
    t.minute > 59 ||
    t.second > 59
  )
    return null;
  return t;
}
