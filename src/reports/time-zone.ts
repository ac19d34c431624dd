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

/** The zone's offset from UTC (ms) at an instant: a whole number of seconds. */
function offsetAt(ms: number, zone: string): number {
  return asUtc(localTime(ms, zone)) - Math.floor(ms / 1000) * 1000;
}

/** The fields of a wall-clock time given as ms since 1970-01-01 00:00 of that wall clock. */
function wallFields(wall: number): LocalTime {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** How far apart ZoneOffsets samples a zone: no zone changes its offset twice in 6 hours. */
const SAMPLE_MS = 6 * 3_600_000;

/**
 * A zone's offsets over a stretch of time, found once: each Intl call costs about 3.5 µs, and a
 * report that asked Intl for every quarter hour of its range (or every row's time) blocked for
 * seconds. The offset is sampled every 6 hours and each change is narrowed down to its second
 * by bisection, so a year costs about 1,500 Intl calls; after that an instant's local time is
 * arithmetic. Instants outside the stretch are asked of Intl, one by one.
 */
export class ZoneOffsets {
  /** Where the offset changes (epoch ms, ascending), and the offset from there on. */
  private readonly changes: number[] = [];
  private readonly offsets: number[] = [];

  constructor(
    readonly zone: string,
    private readonly from: number,
    private readonly to: number,
  ) {
    let at = from;
    let offset = offsetAt(at, zone);
    this.changes.push(at);
    this.offsets.push(offset);
    while (at < to) {
      const next = Math.min(at + SAMPLE_MS, to);
      const nextOffset = offsetAt(next, zone);
      if (nextOffset !== offset) {
        // The first second with the new offset, within (at, next].
        let lo = Math.floor(at / 1000);
        let hi = Math.floor(next / 1000);
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (offsetAt(mid * 1000, zone) === offset) lo = mid;
          else hi = mid;
        }
        this.changes.push(hi * 1000);
        this.offsets.push(nextOffset);
        offset = nextOffset;
      }
      at = next;
    }
  }

  /** The zone's offset from UTC (ms) at `ms`. */
  offsetAt(ms: number): number {
    if (ms < this.from || ms > this.to) return offsetAt(ms, this.zone);
    let lo = 0;
    let hi = this.changes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.changes[mid] ?? 0) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return this.offsets[lo] ?? 0;
  }

  /** The wall-clock time at `ms`, as localTime(ms, zone) gives it. */
  localTime(ms: number): LocalTime {
    return wallFields(Math.floor(ms / 1000) * 1000 + this.offsetAt(ms));
  }
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
