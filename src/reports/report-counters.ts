import type { FireLogEntry } from "../conversions/log-rows.js";

/** A pixel's report counts for some stretch of time (SPEC section 7). */
export interface ReportCounts {
  fires: number;
  unattributed_fires: number;
  post_view_convs: number;
  post_click_convs: number;
  /** Revenue in millionths, so that sums are exact integers. */
  post_view_revenue_micros: number;
  post_click_revenue_micros: number;
}

export const HOUR_MS = 3_600_000;
/**
 * Counters are kept per quarter hour: every time zone's offset is a whole number of quarter
 * hours (India +5:30, Nepal +5:45), so days and hours in any zone are sums of whole quarters.
 */
export const QUARTER_MS = 900_000;

/** The hash field letter of each counter; the field is the letter and the quarter (`f2`). */
const LETTERS: ReadonlyArray<[keyof ReportCounts, string]> = [
  ["fires", "f"],
  ["unattributed_fires", "u"],
  ["post_view_convs", "v"],
  ["post_click_convs", "c"],
  ["post_view_revenue_micros", "V"],
  ["post_click_revenue_micros", "C"],
];
const BY_LETTER = new Map(LETTERS.map(([name, letter]) => [letter, name]));

export const emptyCounts = (): ReportCounts => ({
  fires: 0,
  unattributed_fires: 0,
  post_view_convs: 0,
  post_click_convs: 0,
  post_view_revenue_micros: 0,
  post_click_revenue_micros: 0,
});

export const toMicros = (amount: number): number => Math.round(amount * 1_000_000);

export function addCounts(into: ReportCounts, more: ReportCounts): ReportCounts {
  for (const [name] of LETTERS) into[name] += more[name];
  return into;
}

/**
 * The counter increments of fires that share a pixel and an hour, as hash fields: `f0` 3
 * means three fires in the hour's first quarter.
 */
export function counterIncrements(entries: readonly FireLogEntry[]): Map<string, number> {
  const fields = new Map<string, number>();
  for (const { fire, revenue } of entries) {
    const quarter = Math.floor((fire.ts % HOUR_MS) / QUARTER_MS);
    increment(fields, `f${quarter}`, 1);
    if (!fire.attributed) increment(fields, `u${quarter}`, 1);
    if (!fire.counted) continue;
    const click = fire.conversion_type === "click";
    increment(fields, `${click ? "c" : "v"}${quarter}`, 1);
    increment(fields, `${click ? "C" : "V"}${quarter}`, toMicros(revenue ?? 0));
  }
  return fields;
}

function increment(fields: Map<string, number>, field: string, by: number): void {
  if (by !== 0) fields.set(field, (fields.get(field) ?? 0) + by);
}

/** One stored hour hash back as counts per quarter: `[quarter start (ms), counts]`. */
export function decodeHour(
  hourStartMs: number,
  hash: Readonly<Record<string, string>>,
): Array<[number, ReportCounts]> {
  const quarters: Array<ReportCounts | undefined> = [];
  for (const [field, value] of Object.entries(hash)) {
    const name = BY_LETTER.get(field.charAt(0));
    const quarter = Number(field.slice(1));
    if (!name || !(quarter >= 0 && quarter < 4)) continue;
    const counts = quarters[quarter] ?? emptyCounts();
    counts[name] += Number(value);
    quarters[quarter] = counts;
  }
  const out: Array<[number, ReportCounts]> = [];
  quarters.forEach((counts, quarter) => {
    if (counts) out.push([hourStartMs + quarter * QUARTER_MS, counts]);
  });
  return out;
}
