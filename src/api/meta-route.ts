import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { ApiEnv } from "./api-env.js";
import { documentedRoute } from "./documented-route.js";
import { respond } from "./envelope.js";
import type { FieldMeta } from "./list/list-query.js";

/** `GET <service>/meta`: the fields a list of that service can be sorted and filtered by. */
export function mountMetaRoute(
  api: OpenAPIHono<ApiEnv>,
  path: string,
  fields: readonly FieldMeta[],
): void {
  const tag = path.slice(1);
  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: `${path}/meta`,
      tags: [tag],
      responses: { 200: { description: "Fields" } },
    }),
    (c) => respond(c, { status: "OK", fields }),
  );
}
