import { z } from "@hono/zod-openapi";

const DbgInfo = z
  .object({
    output_term: z.string().optional(),
    version: z.string(),
    warnings: z.array(z.string()).openapi({ description: "Read-only or unknown fields ignored" }),
  })
  .loose();

/** The error envelope (SPEC 6): every 4xx and 5xx of the API. */
export const ErrorEnvelope = z
  .object({
    response: z.object({
      status: z.literal("error"),
      error_id: z.enum(["SYNTAX", "NOAUTH", "UNAUTH", "NOTFOUND", "INTEGRITY", "SYSTEM"]),
      error: z.string(),
      error_description: z.string().nullable(),
      error_code: z.string().nullable().openapi({ description: "`RATE_EXCEEDED` on a 429" }),
      dbg_info: DbgInfo,
    }),
  })
  .openapi("ErrorEnvelope");

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorEnvelope } },
});

/** What any API operation may answer besides its success. */
export const ERROR_RESPONSES = {
  400: error("SYNTAX: a malformed query or body, naming the field"),
  401: error("NOAUTH: no token, or one expired or revoked"),
  403: error("UNAUTH: the caller may not do this"),
  404: error("NOTFOUND: no such object for this caller"),
  409: error("INTEGRITY: the change would break a reference"),
  429: error("SYSTEM / RATE_EXCEEDED: over a rate limit; see Retry-After"),
  503: error("SYSTEM: Redis or the event store is away; see Retry-After"),
};

/**
 * `{"response": {"status": "OK", ...}}` with `fields` inside `response`: an object or a page of
 * them under its output term, the paging counts and `dbg_info`.
 */
export function okEnvelope(fields: Record<string, z.ZodType> = {}) {
  return z.object({
    response: z
      .object({
        status: z.literal("OK"),
        id: z.number().int().optional(),
        count: z.number().int().optional(),
        start_element: z.number().int().optional(),
        num_elements: z.number().int().optional(),
        dbg_info: DbgInfo.optional(),
        ...fields,
      })
      .loose(),
  });
}

/**
 * A service object as the API answers it: the fields it takes on a write, optional, and the
 * read-only ones it adds (`id`, timestamps, derived lists).
 */
export function answeredObject(name: string, input: z.ZodObject) {
  return input
    .partial()
    .extend({
      id: z.number().int(),
      created_on: z.string().optional(),
      last_modified: z.string().optional(),
    })
    .loose()
    .openapi(name);
}
