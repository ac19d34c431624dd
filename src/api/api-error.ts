/** The error ids of the AppNexus API and the HTTP status each answers with (SPEC section 6). */
export const ERROR_STATUS = {
  SYNTAX: 400,
  NOAUTH: 401,
  UNAUTH: 403,
  NOTFOUND: 404,
  INTEGRITY: 409,
  RATE_EXCEEDED: 429,
  SYSTEM: 500,
  /** SYSTEM too, for a dependency that is away: answered 503 with Retry-After (SPEC 13). */
  UNAVAILABLE: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_STATUS;

/**
 * A failure the API reports to its caller: thrown anywhere below a route and turned into the
 * AppNexus error envelope by the API's one error boundary.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The request field at fault, for SYNTAX errors. */
    readonly field?: string,
    /** Seconds to wait, for RATE_EXCEEDED. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const syntaxError = (field: string, why: string) =>
  new ApiError("SYNTAX", `${field}: ${why}`, field);
export const notFound = (what: string) => new ApiError("NOTFOUND", `${what} not found`);
export const noAuth = (why = "Authentication failed: log in with POST /auth") =>
  new ApiError("NOAUTH", why);
export const unauthorized = (why: string) => new ApiError("UNAUTH", why);
export const integrity = (why: string) => new ApiError("INTEGRITY", why);
export const unavailable = (why: string) =>
  new ApiError("UNAVAILABLE", `Service unavailable: ${why}; try again shortly`, undefined, 5);
