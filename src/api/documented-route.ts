import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiEnv } from "./api-env.js";

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
  api.openAPIRegistry.registerPath(route);
  api.on(route.method.toUpperCase(), route.path.replace(/\{(\w+)\}/g, ":$1"), handler);
}
