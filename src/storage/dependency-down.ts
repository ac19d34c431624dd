/** A storage backend that cannot answer now (not started, restarting, unreachable). */
export class DependencyDown extends Error {
  constructor(
    readonly dependency: "redis" | "store",
    why: string,
  ) {
    super(`${dependency} unavailable: ${why}`);
  }
}

/** Socket-level failures and PostgreSQL's "cannot connect now / shutting down" classes. */
const DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);
const DOWN_MESSAGES =
  /Connection terminated|connection timeout|Command timed out|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|MaxRetriesPerRequest|Reached the max retries|Stream isn't writeable|Query read timeout/i;

/**
 * Whether an error means a dependency is away rather than a bug: the API answers those with a
 * 503 and Retry-After (SPEC 13), the edge spools.
 */
export function isDependencyDown(error: unknown): boolean {
  if (error instanceof DependencyDown) return true;
  const e = error as { code?: unknown; message?: unknown; name?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && (DOWN_CODES.has(e.code) || e.code.startsWith("08")))
    return true;
  if (e.name === "MaxRetriesPerRequestError") return true;
  return typeof e.message === "string" && DOWN_MESSAGES.test(e.message);
}
