import { type OpenAPIHono, z } from "@hono/zod-openapi";

type OpenAPIRegistry = OpenAPIHono["openAPIRegistry"];

const int = (description: string) => z.number().int().min(1).optional().openapi({ description });
const text = (description: string) => z.string().optional().openapi({ description });

const PixelQuery = z.object({
  id: int("The pixel"),
  code: text("The pixel, by code (with `member`)"),
  member: int("The member whose pixel code this is"),
  t: z.enum(["1", "2"]).optional().openapi({ description: "`1` JavaScript, `2` image (default)" }),
  order_id: text("`[A-Za-z0-9_-]`, 1–36 characters: counted once per user and pixel"),
  value: text("Revenue of this conversion, a non-negative decimal"),
  other: text("Free text, the first 30 characters kept"),
  redir: text("An http(s) URL to send the browser on to (allowlisted hosts only)"),
  gpc: z.enum(["1"]).optional().openapi({ description: "The page's Global Privacy Control" }),
});

const TouchQuery = z.object({
  adv: z.number().int().min(1).openapi({ description: "Advertiser" }),
  li: z.number().int().min(1).openapi({ description: "Line item" }),
  cp: int("Campaign"),
  cr: int("Creative"),
  ts: z.number().int().openapi({ description: "When the URL was signed (epoch seconds, signed)" }),
  sig: z.string().openapi({ description: "Hex HMAC-SHA256 of the path and sorted parameters" }),
});

const GIF = {
  description: "The 43-byte transparent GIF, whatever happened (the edge never answers an error)",
  content: { "image/gif": { schema: z.string().openapi({ format: "binary" }) } },
};
const SCRIPT = {
  description: "`t=1`: a script that fires the piggybacks (empty when there is nothing to do)",
  content: { "application/javascript": { schema: z.string() } },
};
const REDIRECT = { description: "To the `redir` URL (an allowlisted host)" };
const HTML = { description: "An HTML page", content: { "text/html": { schema: z.string() } } };
const Checks = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.record(z.string(), z.string()).openapi({ description: '"ok", or what is wrong' }),
});

/**
 * The edge's routes and the service's own pages in the OpenAPI document (SPEC 13): they are
 * mounted on the plain Hono app, not the OpenAPI one, so they are described here.
 */
export function documentEdgeRoutes(registry: OpenAPIRegistry): void {
  const edge = { tags: ["edge"], security: [] };
  for (const method of ["get", "head"] as const)
    registry.registerPath({
      ...edge,
      method,
      path: "/px",
      summary: "The conversion pixel (HEAD answers alike and records nothing)",
      request: { query: PixelQuery },
      responses: { 200: GIF, 302: REDIRECT },
    });
  registry.registerPath({
    ...edge,
    method: "get",
    path: "/imp",
    summary: "A signed impression beacon",
    request: { query: TouchQuery.extend({ aid: text("Impression (auction) id, signed") }) },
    responses: { 200: GIF },
  });
  registry.registerPath({
    ...edge,
    method: "get",
    path: "/click",
    summary: "A signed click beacon: records the click and redirects",
    request: {
      query: TouchQuery.extend({ redir: z.string().openapi({ description: "Landing URL" }) }),
    },
    responses: { 302: REDIRECT, 400: { description: "Not signed, or too old: no redirect" } },
  });
  registry.registerPath({
    ...edge,
    method: "get",
    path: "/optout",
    summary: "Stores the opt-out cookie (`uuid2=-1`); `undo=1` removes it",
    request: { query: z.object({ undo: z.enum(["1"]).optional() }) },
    responses: { 200: HTML },
  });
  registry.registerPath({
    ...edge,
    method: "get",
    path: "/tag.js",
    summary: 'The JS tag loader (`pxq.push(["conv", …])`), cached a day with an ETag',
    responses: {
      200: {
        description: "The loader",
        content: { "application/javascript": { schema: z.string() } },
      },
      304: { description: "Not modified" },
    },
  });
  const ops = { tags: ["operations"], security: [] };
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/healthz",
    summary: "Liveness: 200 while the process is up",
    responses: {
      200: {
        description: "Up",
        content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
      },
    },
  });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/readyz",
    summary: "Readiness: Redis and the store answer, the spool is not full",
    responses: {
      200: { description: "Ready", content: { "application/json": { schema: Checks } } },
      503: { description: "A check fails", content: { "application/json": { schema: Checks } } },
    },
  });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/ui",
    summary: "The dashboard page",
    responses: { 200: HTML },
  });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/ui/dashboard.js",
    summary: "The dashboard's script",
    responses: { 200: SCRIPT, 304: { description: "Not modified" } },
  });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/docs",
    summary: "This document in Swagger UI",
    responses: { 200: HTML },
  });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/docs/assets/{name}",
    summary: "Swagger UI's files (from the pinned swagger-ui-dist package)",
    request: { params: z.object({ name: z.string() }) },
    responses: {
      200: { description: "The file" },
      304: { description: "Not modified" },
      404: { description: "No such file" },
    },
  });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    responses: {
      200: {
        description: "OpenAPI 3.0",
        content: { "application/json": { schema: z.object({}).loose() } },
      },
    },
  });
}
