import type { MiddlewareHandler } from "hono";
import type { UserDocument } from "../objects/documents.js";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { ApiError } from "./api-error.js";
import { boundAdvertiser, isAdmin } from "./tenancy.js";

export interface RateLimits {
  /** Reads per minute per member (0: no limit). */
  read: number;
  /** Writes per minute per member (0: no limit). */
  write: number;
  /** Events ingested by `POST /events` per minute per member (0: no limit). */
  events: number;
}

const WINDOW_MS = 60_000;

/**
 * Whose counters a request adds to: its member's, a system admin's own, or for an advertiser
 * user its advertiser's. An advertiser user (an agency or a brand reading its reports) must
 * not spend the budget its member edits objects with, nor another advertiser's; counted per
 * advertiser rather than per user, so that the member adding users does not multiply what
 * one advertiser may ask for.
 */
export function rateSubject(user: UserDocument): string {
  if (isAdmin(user)) return `admin-${user.id}`;
  const advertiser = boundAdvertiser(user);
  return advertiser === null ? `member-${user.member_id}` : `advertiser-${advertiser}`;
}

/**
 * Per-member limits on reads and writes in fixed one-minute windows (RATE_LIMIT_READ,
 * RATE_LIMIT_WRITE; an advertiser user's are its advertiser's, rateSubject), with AppNexus's X-Ratelimit-* and X-Count-* headers on every answer.
 * `POST /events` and `POST /conversion-events` are ingestion, not object editing, and are
 * counted by neither: they count their events against RATE_LIMIT_EVENTS
 * (src/api/event-rate-limit.ts).
 */
export function rateLimit(deps: ApiDeps, limits: RateLimits): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.req.path === "/events" || c.req.path === "/conversion-events") return next();
    const kind = c.req.method === "GET" ? "read" : "write";
    const who = rateSubject(c.var.user);
    const now = deps.clock();
    const window = Math.floor(now / WINDOW_MS);
    const counters = deps.stores.rateCounters;
    const count = await counters.add({ who, kind, window }, 1, WINDOW_MS);
    const other = await counters.get({ who, kind: kind === "read" ? "write" : "read", window });
    const counts = kind === "read" ? { read: count, write: other } : { read: other, write: count };
    c.set("rateUsage", {
      read_limit: limits.read,
      write_limit: limits.write,
      reads: counts.read,
      writes: counts.write,
    });
    c.header("X-Ratelimit-Read", String(limits.read));
    c.header("X-Ratelimit-Write", String(limits.write));
    c.header("X-Count-Read", String(counts.read));
    c.header("X-Count-Write", String(counts.write));
    const limit = limits[kind];
    if (limit > 0 && count > limit) {
      const retryAfter = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
      throw new ApiError(
        "RATE_EXCEEDED",
        `More than ${limit} ${kind}s a minute; try again later`,
        undefined,
        retryAfter,
      );
    }
    await next();
  };
}
