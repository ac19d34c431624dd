import { Hono } from "hono";
import type { AppDeps } from "./deps.js";
import { mountOptOutRoute } from "./edge/optout-route.js";
import { mountPixelRoute } from "./edge/pixel-route.js";
import { mountTouchRoutes } from "./edge/touch-routes.js";

/**
 * Builds the application from its dependencies. The runtime entry files (src/server.ts for
 * Node, src/worker.ts for Workers) only build the dependencies and hand them over.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  mountPixelRoute(app, deps);
  mountTouchRoutes(app, deps);
  mountOptOutRoute(app);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.onError((error, c) => {
    deps.log({ level: "error", route: c.req.path, error: String(error) });
    return c.json(
      { response: { status: "error", error_id: "SYSTEM", error: "Internal error" } },
      500,
    );
  });
  return app;
}
