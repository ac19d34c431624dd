import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { notFound, syntaxError } from "./api/api-error.js";
import { errorResponse, toApiError } from "./api/envelope.js";
import type { AppDeps } from "./deps.js";
import { mountOptOutRoute } from "./edge/optout-route.js";
import { mountPixelRoute } from "./edge/pixel-route.js";
import { mountSspxRoute } from "./edge/sspx-route.js";
import { mountTagRoute } from "./edge/tag-route.js";
import { mountTouchRoutes } from "./edge/touch-routes.js";
import { observeRequests } from "./http/observe-requests.js";

/**
 * Builds the application from its dependencies. The runtime entry files (src/server.ts for
 * Node, src/worker.ts for Workers) only build the dependencies and hand them over; `extend`
 * mounts more routes (the Node runtime's management API, kept out of the Worker's bundle).
 */
export function createApp(deps: AppDeps, extend?: (app: Hono) => void): Hono {
  const app = new Hono();
  if (deps.requests)
    app.use("*", observeRequests({ ...deps.requests, log: deps.log, header: deps.header }));
  mountPixelRoute(app, deps);
  mountTouchRoutes(app, deps);
  mountSspxRoute(app, deps);
  mountOptOutRoute(app);
  mountTagRoute(app, { gzip: deps.settings.gzipTag });
  // Process up: for a liveness probe, never touches storage.
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Ready for traffic: for a load balancer; 503 while a check fails.
  app.get("/readyz", async (c) => {
    const { checks, counts } = (await deps.readiness?.()) ?? { checks: {} };
    const ready = Object.values(checks).every((v) => v === "ok");
    return c.json({ status: ready ? "ok" : "unavailable", checks, ...counts }, ready ? 200 : 503);
  });
  extend?.(app);
  app.notFound((c) => errorResponse(c, notFound(`${c.req.method} ${c.req.path}`)));
  // The one error boundary: known API errors become the AppNexus envelope, anything else a
  // generic SYSTEM error, logged here and never shown.
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 413)
      return errorResponse(c, syntaxError("body", "is too large"));
    if (error instanceof HTTPException && error.status < 500)
      return errorResponse(c, syntaxError("body", error.message));
    const answer = toApiError(error);
    if (answer.kind === "SYSTEM")
      deps.log({ level: "error", route: c.req.path, error: String(error) });
    return errorResponse(c, answer);
  });
  return app;
}
