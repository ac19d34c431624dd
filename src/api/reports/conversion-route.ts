import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { ConversionRow } from "../../conversions/log-rows.js";
import { toCsv } from "../../reports/csv.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { type FieldMeta, listPage } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { readObjects } from "../read-objects.js";
import { reportRange } from "./report-range.js";
import { reportPixels, SCOPE_PARAMS } from "./report-scope.js";

const field = (name: string, type: FieldMeta["type"], sort = true, filter = true): FieldMeta => ({
  name,
  type,
  sort_by: sort,
  filter_by: filter,
});

/** The conversion log's fields (SPEC section 4's row), as `/conversion/meta` lists them. */
export const CONVERSION_META: readonly FieldMeta[] = [
  field("id", "string"),
  field("pixel_id", "int"),
  field("advertiser_id", "int"),
  field("user_id", "string"),
  field("conversion_time", "timestamp"),
  field("post_click_or_post_view_conv", "enum"),
  field("line_item_id", "int"),
  field("campaign_id", "int"),
  field("creative_id", "int"),
  field("imp_time", "timestamp"),
  field("order_id", "string"),
  field("external_data", "string"),
  field("post_click_or_post_view_revenue", "double"),
];

/** Rows read for one answer at most: more means the range is too wide to sort and page. */
export const MAX_ROWS = 100_000;
const CONSUMED = new Set([...SCOPE_PARAMS, "start_date", "end_date", "timezone", "format"]);

const newestFirst = (a: ConversionRow, b: ConversionRow) =>
  a.conversion_time === b.conversion_time
    ? b.id.localeCompare(a.id)
    : a.conversion_time < b.conversion_time
      ? 1
      : -1;

/**
 * `GET /conversion`: the counted conversions of the caller's pixels (SPEC section 7), newest
 * first unless `sort=` says otherwise, with every list convention; `start_date`/`end_date`
 * (exclusive) are read in `timezone` (UTC by default).
 */
export function mountConversionRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountMetaRoute(api, "/conversion", CONVERSION_META);
  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/conversion",
      tags: ["conversion"],
      responses: { 200: { description: "Counted conversions" } },
    }),
    async (c) => {
      const pixels = await reportPixels(c, deps);
      const range = reportRange(c.req.query(), deps.clock(), {
        defaultDays: null,
        maxDays: 36_500,
      });
      const perPixel = await Promise.all(
        pixels.map((p) =>
          deps.fireLog.conversions(p.id, {
            from: range.from,
            to: range.to - 1,
            limit: MAX_ROWS + 1,
          }),
        ),
      );
      const rows = perPixel.flat();
      if (rows.length > MAX_ROWS)
        throw syntaxError(
          "start_date",
          `more than ${MAX_ROWS} conversions in the range: narrow it, or name pixel_id`,
        );
      rows.sort(newestFirst);
      const format = c.req.query("format") ?? "json";
      if (format !== "json" && format !== "csv") throw syntaxError("format", "must be json or csv");
      if (format === "csv") {
        // Every row the filters leave, not a page of 100: an export for a spreadsheet.
        const page = listPage(rows, c.req.query(), CONVERSION_META, CONSUMED, MAX_ROWS);
        const columns =
          c.req
            .query("fields")
            ?.split(",")
            .map((f) => f.trim()) ?? CONVERSION_META.map((f) => f.name);
        return c.body(toCsv(columns, page.items), 200, {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": 'attachment; filename="conversions.csv"',
        });
      }
      return readObjects(
        c,
        { one: "conversion", many: "conversions" },
        rows,
        CONVERSION_META,
        CONSUMED,
        false,
      );
    },
  );
}
