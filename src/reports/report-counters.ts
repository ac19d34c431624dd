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
 * The event store keeps report aggregates per quarter hour: every time zone's offset is a whole
 * number of quarter hours (India +5:30, Nepal +5:45), so days and hours in any zone are sums of
 * whole quarters.
 */
export const QUARTER_MS = 900_000;

const COUNTS: ReadonlyArray<keyof ReportCounts> = [
  "fires",
  "unattributed_fires",
  "post_view_convs",
  "post_click_convs",
  "post_view_revenue_micros",
  "post_click_revenue_micros",
];

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
  for (const name of COUNTS) into[name] += more[name];
  return into;
}
