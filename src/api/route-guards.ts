import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "./api-env.js";

/** Operations anyone may call; every other API operation needs a token. */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set(["POST /auth"]);

export const operationOf = (route: Pick<RouteConfig, "method" | "path">) =>
  `${route.method.toUpperCase()} ${route.path}`;

/** What runs before an operation's handler: for a public one, for every other one. */
export type Guards = (operation: string, isPublic: boolean) => MiddlewareHandler<ApiEnv>[];

const guardsOf = new WeakMap<OpenAPIHono<ApiEnv>, Guards>();

/**
 * Sets the guards every operation mounted on `api` gets (auth, rate limit, body limit: see
 * mount-api.ts), so that a new service is protected without anyone listing it.
 */
export function guardApi(api: OpenAPIHono<ApiEnv>, guards: Guards): void {
  guardsOf.set(api, guards);
}

/**
 * The guards of one operation. An operation mounted on an API without guards is refused at
 * start, so that a route can never be public by omission.
 */
export function guardsFor(
  api: OpenAPIHono<ApiEnv>,
  route: RouteConfig,
): MiddlewareHandler<ApiEnv>[] {
  const guards = guardsOf.get(api);
  const operation = operationOf(route);
  if (!guards) throw new Error(`${operation} is mounted on an API without guards (guardApi)`);
  return guards(operation, PUBLIC_OPERATIONS.has(operation));
}
