import type { OpenAPIHono, RouteConfig, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiEnv } from "./api-env.js";
import { documentedBody } from "./objects/write-body.js";
import { documentObject } from "./openapi/answered-objects.js";
import { completeRoute } from "./openapi/complete-route.js";

/**
 * Mounts a handler and describes it in the OpenAPI document, without letting the document's
 * schema validate the request: handlers read bodies themselves (`parseWrite`), so that
 * `curl -d` bodies (JSON sent as a form) work, read-only fields only warn, and one bad event
 * does not sink a batch. The schemas the handlers validate with are the ones documented.
 */
export function documentedRoute(
  api: OpenAPIHono<ApiEnv>,
  route: RouteConfig,
  handler: (c: Context<ApiEnv>) => Response | Promise<Response>,
): void {
  api.openAPIRegistry.registerPath(completeRoute(route));
  api.on(route.method.toUpperCase(), route.path.replace(/\{(\w+)\}/g, ":$1"), handler);
}

type Verb = "get" | "post" | "put" | "delete";

/**
 * Route descriptions for one service path: `route("post", "The new pixel", true)` documents a
 * POST whose body is `{"<term>": input}`; answers carry the object (or a page of them, under
 * the plural term).
 */
export function serviceRoutes(path: string, term: string, input: z.ZodObject) {
  const body = documentedBody(term, input);
  documentObject(term, input);
  return (method: Verb, description: string, withBody = false): RouteConfig =>
    ({
      method,
      path,
      tags: [term],
      ...(withBody ? { request: { body } } : {}),
      responses: { 200: { description } },
    }) as RouteConfig;
}
