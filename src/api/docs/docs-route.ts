import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Context, Hono } from "hono";

/**
 * Nothing but this service's own files: no inline script, no CDN, no framing. Swagger UI sets
 * styles through the DOM (allowed) and shows its icons as data: images.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  "Content-Security-Policy": CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conversion pixel service API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script>
</body>
</html>
`;

// The page's own start script, a file so that the CSP needs no 'unsafe-inline'. The token
// cookie is HttpOnly: "Try it out" sends it, as the API's browser clients do.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: "none",
  withCredentials: true
});
`;

interface Asset {
  body: string;
  type: string;
  etag: string;
}

const asset = (body: string, type: string): Asset => ({
  body,
  type,
  etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`,
});

/** Swagger UI's files from the pinned swagger-ui-dist package, read once. */
function swaggerAssets(): Map<string, Asset> {
  const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const file = (name: string) => readFileSync(join(dist, name), "utf8");
  return new Map([
    ["swagger-ui.css", asset(file("swagger-ui.css"), "text/css; charset=utf-8")],
    [
      "swagger-ui-bundle.js",
      asset(file("swagger-ui-bundle.js"), "application/javascript; charset=utf-8"),
    ],
    ["docs-init.js", asset(INIT, "application/javascript; charset=utf-8")],
  ]);
}

/** `GET /docs`: Swagger UI for `/openapi.json`, served from this service (SPEC 13). */
export function mountDocs(app: Hono): void {
  let assets: Map<string, Asset> | null = null;
  app.get(
    "/docs",
    () =>
      new Response(PAGE, {
        headers: {
          ...SECURITY_HEADERS,
          "Content-Type": "text/html; charset=utf-8",
          "Cache-Control": "no-cache",
        },
      }),
  );
  app.get("/docs/assets/:name", (c: Context) => {
    assets ??= swaggerAssets();
    const found = assets.get(c.req.param("name") ?? "");
    if (!found) return c.notFound();
    const headers = {
      ...SECURITY_HEADERS,
      "Content-Type": found.type,
      ETag: found.etag,
      // Pinned with the package: a new version comes with a deploy, revalidated within an hour.
      "Cache-Control": "public, max-age=3600",
    };
    if (c.req.header("if-none-match") === found.etag)
      return new Response(null, { status: 304, headers });
    return new Response(found.body, { headers });
  });
}
