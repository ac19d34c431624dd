import { addCounts, emptyCounts, type ReportCounts } from "./report-counters.js";
import { formatDate, localTime } from "./time-zone.js";

export type Interval = "day" | "hour";

/** One pixel's counts per quarter hour, as the fire log keeps them. */
export interface PixelCounts {
  pixel_id: number;
  pixel_name: string;
  quarters: ReadonlyArray<[quarterStart: number, counts: ReportCounts]>;
}

export interface ReportTotals {
  fires: number;
  post_view_convs: number;
  post_click_convs: number;
  post_view_revenue: number;
  post_click_revenue: number;
  unattributed_fires: number;
}

/** A row of `GET /report/pixel`: one pixel in one local day (`day`) or hour (`hour`). */
export type PixelReportRow = { [interval in Interval]?: string } & {
  pixel_id: number;
  pixel_name: string;
} & ReportTotals;

export const REPORT_COLUMNS = [
  "pixel_id",
  "pixel_name",
  "fires",
  "post_view_convs",
  "post_click_convs",
  "post_view_revenue",
  "post_click_revenue",
  "unattributed_fires",
] as const;

function totals(counts: ReportCounts): ReportTotals {
  return {
    fires: counts.fires,
    post_view_convs: counts.post_view_convs,
    post_click_convs: counts.post_click_convs,
    post_view_revenue: counts.post_view_revenue_micros / 1_000_000,
    post_click_revenue: counts.post_click_revenue_micros / 1_000_000,
    unattributed_fires: counts.unattributed_fires,
  };
}

/**
 * Sums quarter-hour counts into rows per pixel and local day or hour of `zone`, oldest first
 * (pixels by id within an interval); intervals where a pixel saw nothing have no row.
 */
export function pixelReport(
  pixels: readonly PixelCounts[],
  interval: Interval,
  zone: string,
): { rows: PixelReportRow[]; totals: ReportTotals } {
  const labels = new Map<number, string>();
  const labelOf = (quarter: number) => {
    let label = labels.get(quarter);
    if (label === undefined) {
      const local = localTime(quarter, zone);
      label = formatDate(local);
      if (interval === "hour") label += ` ${String(local.hour).padStart(2, "0")}:00:00`;
      labels.set(quarter, label);
    }
    return label;
  };
  const all = emptyCounts();
  const rows: PixelReportRow[] = [];
  for (const pixel of [...pixels].sort((a, b) => a.pixel_id - b.pixel_id)) {
    const byLabel = new Map<string, ReportCounts>();
    for (const [quarter, counts] of pixel.quarters) {
      const label = labelOf(quarter);
      byLabel.set(label, addCounts(byLabel.get(label) ?? emptyCounts(), counts));
      addCounts(all, counts);
    }
    for (const [label, counts] of byLabel)
      rows.push({
        [interval]: label,
        pixel_id: pixel.pixel_id,
        pixel_name: pixel.pixel_name,
        ...totals(counts),
      });
  }
  // Labels sort as text: fixed-width dates and hours.
  rows.sort((a, b) =>
    (a[interval] ?? "") === (b[interval] ?? "")
      ? a.pixel_id - b.pixel_id
      : (a[interval] ?? "") < (b[interval] ?? "")
        ? -1
        : 1,
  );
  return { rows, totals: totals(all) };
}
