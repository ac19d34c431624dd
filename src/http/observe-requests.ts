import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { RequestTally } from "../metrics/request-tally.js";
import type { Logger } from "../storage/ports.js";
import { requestId } from "./request-id.js";

/**
 * The paths browsers (and load balancers) hit at volume: logged at ACCESS_LOG_SAMPLE, and
 * labelled by path without asking the router (which builds an array per call).
 */
const SAMPLED = new Set([
  "/px",
  "/imp",
  "/click",
  "/tag.js",
  "/optout",
  "/sspx",
  "/healthz",
  "/readyz",
]);

export interface RequestObserving {
  log: Logger;
  /** The fraction of SAMPLED requests that get an access log line; every other request does. */
  sample: number;
  /** Where requests are counted for /metrics (Node); null: not counted. */
  tally: RequestTally | null;
  header: (c: Context, name: string) => string | null;
  /**
   * Sets a response header before the handler runs, where that is cheap (Node: on the
   * socket's response, which keeps @hono/node-server's plain-object headers); returns false
   * where it must be set on the Response afterwards.
   */
  presetHeader?: (c: Context, name: string, value: string) => boolean;
  random?: () => number;
}

/** The route a request was answered by: a registered pattern, so the label set is bounded. */
function routeOf(c: Context, path: string): string {
  if (SAMPLED.has(path)) return path;
  const route = matchedRoutes(c)[c.req.routeIndex]?.path ?? "*";
  return route === "*" || route === "/*" ? "unmatched" : route;
}

/**
 * Access logs and request counts (SPEC 8 and 13): one JSON line per API request and per
 * sampled edge request, with its request id (the caller's `X-Request-Id` when valid, which
 * every answer echoes), method, route, status and duration.
 */
export function observeRequests(o: RequestObserving): MiddlewareHandler {
  const random = o.random ?? Math.random;
  return async (c, next) => {
    const started = performance.now();
    const id = requestId(o.header(c, "x-request-id"));
    const preset = o.presetHeader?.(c, "X-Request-Id", id) ?? false;
    await next();
    if (!preset) c.res.headers.set("X-Request-Id", id);
    const path = c.req.path;
    const logged = !SAMPLED.has(path) || random() < o.sample;
    if (!logged && !o.tally) return;
    const seconds = (performance.now() - started) / 1000;
    const route = routeOf(c, path);
    const status = c.res.status;
    o.tally?.count(route, status, seconds);
    if (!logged) return;
    o.log({
      level: "info",
      msg: "request",
      request_id: id,
      method: c.req.method,
      route,
      path,
      status,
      duration_ms: Math.round(seconds * 100_000) / 100,
    });
  };
}
