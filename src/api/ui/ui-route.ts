import type { Hono } from "hono";
import { serveBuiltScript } from "../../edge/built-script.js";
import {
  DASHBOARD_ETAG,
  DASHBOARD_SCRIPT,
  DASHBOARD_SCRIPT_GZIP_BASE64,
} from "../../ui/generated/dashboard-script.js";
import { DASHBOARD_HTML } from "./dashboard-page.js";

const SCRIPT = {
  source: DASHBOARD_SCRIPT,
  gzipBase64: DASHBOARD_SCRIPT_GZIP_BASE64,
  etag: DASHBOARD_ETAG,
};

/** Scripts only from here, no framing (clickjacking), no referrer to the tags' hosts. */
const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

/**
 * `GET /ui`: the dashboard page (SPEC section 7). The page itself is public and holds no data;
 * its script signs in and reads everything through the API with the session cookie.
 */
export function mountUi(app: Hono): void {
  app.get("/ui", () => new Response(DASHBOARD_HTML, { status: 200, headers: PAGE_HEADERS }));
  app.get("/ui/dashboard.js", (c) =>
    serveBuiltScript(c, SCRIPT, { gzip: true, cacheControl: "no-cache" }),
  );
}
