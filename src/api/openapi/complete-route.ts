import type { RouteConfig } from "@hono/zod-openapi";
import { objectAnswer } from "./answered-objects.js";
import { ERROR_RESPONSES, okEnvelope } from "./envelope-schemas.js";
import { QUERIES } from "./query-parameters.js";

/** The two ways a token is sent (SPEC 6): the `Authorization` header or the login cookie. */
export const SECURITY: Array<Record<string, string[]>> = [{ token: [] }, { cookie: [] }];

/** Operations anyone may call. */
const PUBLIC = new Set(["POST /auth"]);

/**
 * A route as the OpenAPI document shows it: its query parameters (query-parameters.ts, unless
 * the route names its own), the token schemes unless it is public, the error envelope for
 * every error status, and a JSON envelope for a success described without a schema.
 */
export function completeRoute(route: RouteConfig): RouteConfig {
  const key = `${route.method.toUpperCase()} ${route.path}`;
  const query = route.request?.query ?? QUERIES[key];
  const responses: RouteConfig["responses"] = { ...ERROR_RESPONSES, ...route.responses };
  const ok = responses[200];
  if (ok && !("content" in ok && ok.content))
    responses[200] = {
      ...ok,
      content: {
        "application/json": { schema: objectAnswer(route.tags?.[0]) ?? okEnvelope() },
      },
    };
  return {
    ...route,
    ...(query ? { request: { ...route.request, query } } : {}),
    ...(PUBLIC.has(key) ? { security: [] } : { security: SECURITY }),
    responses,
  } as unknown as RouteConfig;
}
