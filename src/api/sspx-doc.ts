import { createRoute, z } from "@hono/zod-openapi";

/**
 * `GET /sspx` in the OpenAPI document. The route itself is the edge's (src/edge/sspx-route.ts,
 * served by both runtimes, unauthenticated like `/px`): only its description lives here, so
 * that the Worker's bundle carries no schema library.
 */
export const SSPX_DOC = createRoute({
  method: "get",
  path: "/sspx",
  tags: ["edge"],
  summary: "Xandr's server-side conversion pixel: a conversion credited to the click id in sspdata",
  request: {
    query: z.object({
      id: z.string().optional().openapi({ description: "the pixel id (or code + member)" }),
      code: z.string().optional(),
      member: z.string().optional(),
      sspdata: z
        .string()
        .optional()
        .openapi({ description: "a click id (the landing page's pxclid)" }),
      order_id: z.string().optional(),
      value: z.string().optional(),
      other: z.string().optional(),
      event_id: z.string().optional().openapi({
        description: "counted once with a browser fire of the same event_id (48 hours)",
      }),
      ts: z.string().optional().openapi({
        description: "when it happened, ISO-8601 or epoch ms, at most 7 days old (default now)",
      }),
    }),
  },
  responses: { 200: { description: "The 43-byte GIF, whatever the input" } },
});
