import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond } from "../envelope.js";
import { reportPixels, SCOPE_PARAMS } from "./report-scope.js";

const PARAMS = new Set([...SCOPE_PARAMS, "cursor", "num_elements"]);
const MAX_PAGE = 1000;

/**
 * `GET /conversion-feed?cursor=`: every counted conversion of the caller's pixels, in the order
 * the event store committed them, a page at a time; each answer carries the cursor to ask with
 * next. A consumer that keeps the cursor once it has handled a page gets every conversion at
 * least once (after a crash, the last page again: deduplicate by `id`). Replaces the Redis
 * stream other systems used to read (docs/storage.md).
 */
export function mountConversionFeedRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/conversion-feed",
      tags: ["conversion"],
      responses: { 200: { description: "The next page of conversions, and the cursor after it" } },
    }),
    async (c) => {
      const query = c.req.query();
      for (const name of Object.keys(query))
        if (!PARAMS.has(name)) throw syntaxError(name, "is not a parameter of the conversion feed");
      const size = query.num_elements === undefined ? 100 : Number(query.num_elements);
      if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)
        throw syntaxError("num_elements", `must be an integer from 1 to ${MAX_PAGE}`);
      const pixels = await reportPixels(c, deps);
      let page: Awaited<ReturnType<ApiDeps["fireLog"]["conversionFeed"]>>;
      try {
        page = await deps.fireLog.conversionFeed(
          pixels.map((p) => p.id),
          query.cursor || null,
          size,
        );
      } catch (error) {
        if (error instanceof RangeError)
          throw syntaxError("cursor", "is not a cursor this feed gave");
        throw error;
      }
      return respond(c, {
        status: "OK",
        count: page.conversions.length,
        conversions: page.conversions,
        cursor: page.cursor,
      });
    },
  );
}
