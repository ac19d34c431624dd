import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { syntaxError } from "./api-error.js";
import { mountAuthRoute } from "./auth/auth-route.js";
import { mountLogoutRoute } from "./auth/logout-route.js";
import { requireAuth, TOKEN_COOKIE } from "./auth/require-auth.js";
import { mountConversionEventsRoute } from "./conversion-events-route.js";
import { mountDocs } from "./docs/docs-route.js";
import { API_VERSION, errorResponse } from "./envelope.js";
import { mountEventsRoute } from "./events-route.js";
import { mountAdvertiserRoutes } from "./objects/advertiser-routes.js";
import { mountCampaignRoutes } from "./objects/campaign-routes.js";
import { mountLineItemRoutes } from "./objects/line-item-routes.js";
import { mountMemberRoutes } from "./objects/member-routes.js";
import { mountPixelRoutes } from "./objects/pixel-routes.js";
import { mountUserRoutes } from "./objects/user-routes.js";
import { SECURITY } from "./openapi/complete-route.js";
import { documentEdgeRoutes } from "./openapi/edge-paths.js";
import { type RateLimits, rateLimit } from "./rate-limit.js";
import { mountConversionFeedRoute } from "./reports/conversion-feed-route.js";
import { mountConversionRoute } from "./reports/conversion-route.js";
import { mountPixelReportRoute } from "./reports/pixel-report-route.js";
import { mountReportServiceRoutes } from "./reports/report-service-routes.js";
import { SSPX_DOC } from "./sspx-doc.js";
import { mountUi } from "./ui/ui-route.js";

/** Request bodies are limited: 1 MB, and 4 MB for a batch of up to 10,000 events. */
const BODY_MB = 1;
const EVENTS_BODY_MB = 4;

/** The batch ingestion paths: 4 MB bodies, and counted against RATE_LIMIT_EVENTS only. */
export const INGESTION = ["/events", "/conversion-events"];

/** Every API path but /auth, /openapi.json and /docs needs a token. */
const PROTECTED = [
  "/member",
  "/user",
  "/advertiser",
  "/line-item",
  "/campaign",
  "/pixel",
  "/events",
  "/conversion-events",
  "/conversion",
  "/conversion-feed",
  "/report",
  "/report-download",
];

/**
 * The AppNexus-compatible management API. The zod schemas the handlers validate with also
 * make the OpenAPI document (`/openapi.json`, browsable at `/docs`).
 */
export function mountApi(app: Hono, deps: ApiDeps, limits: RateLimits): void {
  const api = new OpenAPIHono<ApiEnv>();
  const tooLarge = (mb: number) => (c: Context) =>
    errorResponse(c, syntaxError("body", `is larger than ${mb} MB`));
  for (const path of INGESTION)
    api.use(
      path,
      bodyLimit({ maxSize: EVENTS_BODY_MB * 1024 * 1024, onError: tooLarge(EVENTS_BODY_MB) }),
    );
  for (const path of ["/auth", ...PROTECTED.filter((p) => !INGESTION.includes(p))])
    api.use(path, bodyLimit({ maxSize: BODY_MB * 1024 * 1024, onError: tooLarge(BODY_MB) }));
  mountAuthRoute(api, deps);
  mountLogoutRoute(api, deps);
  for (const path of PROTECTED) {
    // `/pixel/*` matches `/pixel` too.
    api.use(`${path}/*`, requireAuth(deps));
    api.use(`${path}/*`, rateLimit(deps, limits));
  }
  mountMemberRoutes(api, deps);
  mountUserRoutes(api, deps);
  mountAdvertiserRoutes(api, deps);
  mountLineItemRoutes(api, deps);
  mountCampaignRoutes(api, deps);
  mountEventsRoute(api, deps, limits.events);
  mountConversionEventsRoute(api, deps, limits.events);
  mountPixelRoutes(api, deps);
  mountConversionRoute(api, deps);
  mountConversionFeedRoute(api, deps);
  mountPixelReportRoute(api, deps);
  mountReportServiceRoutes(api, deps);
  api.openAPIRegistry.registerPath(SSPX_DOC);

  api.openAPIRegistry.registerComponent("securitySchemes", "token", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description: "The token `POST /auth` answers (`Bearer ` optional)",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: TOKEN_COOKIE,
    description: "The HttpOnly cookie `POST /auth` sets",
  });
  documentEdgeRoutes(api.openAPIRegistry);
  api.doc("/openapi.json", {
    openapi: "3.0.0",
    info: {
      title: "Conversion pixel service API (AppNexus-compatible)",
      version: API_VERSION,
      description:
        "The management API (AppNexus envelope), the edge's beacons and the service's own pages. " +
        "Lists also filter by any field `<service>/meta` marks filterable: `field=v1,v2`, " +
        "`min_field=`, `max_field=`, `like_field=`.",
    },
    security: SECURITY,
  });
  app.route("/", api);
  mountDocs(app);
  mountUi(app);
}
