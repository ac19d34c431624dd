import type { Context } from "hono";
import { DependencyDown, isDependencyDown } from "../storage/dependency-down.js";
import type { RateUsage } from "./api-env.js";
import { ApiError, ERROR_STATUS, unavailable } from "./api-error.js";

export const API_VERSION = "1.18.651";

/** The rate limits and counts the request used, when it was counted (rate-limit.ts). */
const rateUsage = (c: Context): RateUsage | undefined => c.get("rateUsage" as never);

/** `{"response": {...}}`, the shape of every API answer; `dbg_info` carries the rate usage. */
export function respond(c: Context, body: Record<string, unknown>, status = 200): Response {
  const usage = rateUsage(c);
  const dbg = body.dbg_info as Record<string, unknown> | undefined;
  const answer =
    usage || dbg ? { ...body, dbg_info: { version: API_VERSION, ...dbg, ...usage } } : body;
  return c.json({ response: answer }, status as 200);
}

export interface ReadResult {
  /** The key the objects go under: `pixel` for one asked for by id, `pixels` otherwise. */
  outputTerm: string;
  value: unknown;
  count: number;
  startElement: number;
  numElements: number;
  warnings?: string[];
}

/** A successful read, AppNexus style. */
export function readResponse(c: Context, r: ReadResult): Response {
  return respond(c, {
    status: "OK",
    count: r.count,
    start_element: r.startElement,
    num_elements: r.numElements,
    [r.outputTerm]: r.value,
    dbg_info: { output_term: r.outputTerm, version: API_VERSION, warnings: r.warnings ?? [] },
  });
}

/** A successful write: POST and PUT carry the object as it now stands. */
export function writeResponse(
  c: Context,
  term: string,
  object: { id: number },
  warnings: string[] = [],
): Response {
  return respond(c, {
    status: "OK",
    id: object.id,
    count: 1,
    start_element: 0,
    num_elements: 100,
    [term]: object,
    dbg_info: { output_term: term, version: API_VERSION, warnings },
  });
}

/** Xandr's errors name their kind in `dbg_info.output_term`, which some clients read. */
const OUTPUT_TERM: Record<ApiError["kind"], string> = {
  SYNTAX: "syntax",
  NOAUTH: "noauth",
  UNAUTH: "unauth",
  NOTFOUND: "not_found",
  INTEGRITY: "integrity",
  RATE_EXCEEDED: "rate_exceeded",
  SYSTEM: "system",
  UNAVAILABLE: "system",
};

/** The error envelope; never a stack trace or an internal detail. */
export function errorResponse(c: Context, error: ApiError): Response {
  const status = ERROR_STATUS[error.kind];
  if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
  return c.json(
    {
      response: {
        status: "error",
        error_id:
          error.kind === "RATE_EXCEEDED" || error.kind === "UNAVAILABLE" ? "SYSTEM" : error.kind,
        error: error.message,
        error_description: error.field ? `field: ${error.field}` : null,
        error_code: error.kind === "RATE_EXCEEDED" ? "RATE_EXCEEDED" : null,
        dbg_info: {
          output_term: OUTPUT_TERM[error.kind],
          version: API_VERSION,
          warnings: [],
          ...rateUsage(c),
        },
      },
    },
    status,
  );
}

/**
 * Anything that is not an ApiError becomes a generic SYSTEM error (and is logged), or a 503
 * when a dependency is away.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isDependencyDown(error))
    return unavailable(error instanceof DependencyDown ? error.dependency : "a storage backend");
  return new ApiError("SYSTEM", "Internal error");
}
