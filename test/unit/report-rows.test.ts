import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cell, reportQuery, reportRows } from "../../src/reports/service/report-build.js";
import type { ReportRequest } from "../../src/reports/service/report-job.js";

const DAY_MS = 86_400_000;
const FROM = Date.UTC(2026, 10, 1);

/** The order the rows must come in: the definition, one comparison of cells at a time. */
function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

const columns = ["day", "pixel_id", "pixel_name", "campaign_id", "fires", "total_revenue"];

describe("reportRows", () => {
  it("sorts by the orders, then by every column, whatever the rows (ranked, not compared)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bucket: fc.integer({ min: 1, max: 5 }),
            pixel_id: fc.integer({ min: 1, max: 6 }),
            campaign_id: fc.option(fc.integer({ min: 1, max: 4 })),
            fires: fc.integer({ min: 0, max: 3 }),
            total_revenue: fc.constantFrom("0", "1500000", "250000", "99000000"),
          }),
          { maxLength: 200 },
        ),
        fc.array(
          fc.record({
            column: fc.constantFrom(...columns),
            direction: fc.constantFrom<"ASC" | "DESC">("ASC", "DESC"),
          }),
          { maxLength: 3 },
        ),
        (rows, rawOrders) => {
          const orders = rawOrders.filter(
            (o, i) => rawOrders.findIndex((p) => p.column === o.column) === i,
          );
          const request: ReportRequest = {
            report_type: "network_analytics",
            columns,
            filters: {},
            orders,
            from: FROM,
            to: FROM + 5 * DAY_MS,
            timezone: "Europe/Paris",
            start_date: "",
            end_date: "",
            format: "csv",
            escape_fields: false,
            pixel_ids: [],
          };
          // Two pixels share a name, one has none: names tie and are empty too.
          const names = {
            pixels: new Map([
              [1, { name: "b", advertiser_id: 1 }],
              [2, { name: "a", advertiser_id: 1 }],
              [3, { name: "b", advertiser_id: 1 }],
              [4, { name: "=c", advertiser_id: 1 }],
              [5, { name: "", advertiser_id: 1 }],
            ]),
            advertisers: new Map(),
            lineItems: new Map(),
            campaigns: new Map(),
          };
          const out = reportRows(request, reportQuery(request, 1000), rows, names);
          expect(out).toHaveLength(rows.length);
          const keys = [
            ...orders.map((o) => ({
              index: columns.indexOf(o.column),
              sign: o.direction === "DESC" ? -1 : 1,
            })),
            ...columns.map((_, index) => ({ index, sign: 1 })),
          ];
          const compare = (a: Cell[], b: Cell[]) => {
            for (const { index, sign } of keys) {
              const order = compareCells(a[index] ?? null, b[index] ?? null);
              if (order !== 0) return sign * order;
            }
            return 0;
          };
          for (let i = 1; i < out.length; i++)
            expect(compare(out[i - 1] ?? [], out[i] ?? [])).toBeLessThanOrEqual(0);
          // The same rows, only ordered.
          const given = rows.map((r) => `${r.pixel_id}:${r.campaign_id}:${r.fires}`).sort();
          expect(out.map((c) => `${c[1]}:${c[3]}:${c[4]}`).sort()).toEqual(given);
        },
      ),
      { numRuns: 200 },
    );
  });
});
