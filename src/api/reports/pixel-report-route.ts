import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { toCsv } from "../../reports/csv.js";
import { type Interval, pixelReport, REPORT_COLUMNS } from "../../reports/pixel-report.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond } from "../envelope.js";
import { describeRange, reportRange } from "./report-range.js";
import { reportPixels, SCOPE_PARAMS } from "./report-scope.js";

const PARAMS = new Set([
  ...SCOPE_PARAMS,
  "start_date",
  "end_date",
  "timezone",
  "interval",
  "format",
]);
/** Counters live 400 days by default; an hourly report of more than a month is unreadable. */
const MAX_DAYS: Record<Interval, number> = { day: 400, hour: 31 };
/** Without dates: the last 7 local days, today included. */
const DEFAULT_DAYS = 7;

function oneOf<T extends string>(name: string, raw: string | undefined, values: readonly T[]): T {
  const value = raw === undefined || raw === "" ? values[0] : raw;
  if (!values.includes(value as T)) throw syntaxError(name, `must be one of ${values.join(", ")}`);
  return value as T;
}

/**
 * `GET /report/pixel`: per pixel and local day or hour, its fires, post-view and post-click
 * conversions and revenue, and unattributed fires (SPEC section 7), summed from the counters
 * the edge keeps as it records each fire; `format=csv` for a spreadsheet.
 */
export function mountPixelReportRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/report/pixel",
      tags: ["report"],
      responses: { 200: { description: "The pixel report (JSON, or CSV with format=csv)" } },
    }),
    async (c) => {
      const query = c.req.query();
      for (const name of Object.keys(query))
        if (!PARAMS.has(name)) throw syntaxError(name, "is not a parameter of this report");
      const interval = oneOf("interval", query.interval, ["day", "hour"] as const);
      const format = oneOf("format", query.format, ["json", "csv"] as const);
      const range = reportRange(query, deps.clock(), {
        defaultDays: DEFAULT_DAYS,
        maxDays: MAX_DAYS[interval],
      });
      const pixels = await reportPixels(c, deps);
      const counts = await Promise.all(
        pixels.map(async (p) => ({
          pixel_id: p.id,
          pixel_name: p.name,
          quarters: await deps.fireLog.reportCounts(p.id, range.from, range.to),
        })),
      );
      const report = pixelReport(counts, interval, range.zone);
      if (format === "csv")
        return c.body(toCsv([interval, ...REPORT_COLUMNS], report.rows), 200, {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": 'attachment; filename="pixel-report.csv"',
        });
      return respond(c, {
        status: "OK",
        report: { interval, ...describeRange(range), rows: report.rows, totals: report.totals },
      });
    },
  );
}
