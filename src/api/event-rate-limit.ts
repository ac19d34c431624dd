import type { ApiDeps } from "./api-deps.js";
import { ApiError } from "./api-error.js";

const WINDOW_MS = 60_000;

/**
 * Charges a request's events to its caller's minute (RATE_LIMIT_EVENTS, SPEC 14): events, not
 * requests, because one request carries up to 10,000. Over the limit it throws RATE_EXCEEDED
 * with Retry-After, and the refused events are given back so what is left of the minute can be
 * used by a smaller batch. Answers the minute's count and the limit, for the headers.
 */
export async function chargeEvents(
  deps: Pick<ApiDeps, "stores" | "clock">,
  who: string,
  events: number,
  limit: number,
): Promise<{ count: number; limit: number }> {
  if (limit <= 0) return { count: 0, limit };
  const now = deps.clock();
  const window = Math.floor(now / WINDOW_MS);
  const minute = { who, kind: "events", window } as const;
  const count = await deps.stores.rateCounters.add(minute, events, WINDOW_MS);
  if (count <= limit) return { count, limit };
  await deps.stores.rateCounters.takeBack(minute, events);
  throw new ApiError(
    "RATE_EXCEEDED",
    `More than ${limit} events a minute; try again later`,
    undefined,
    Math.ceil(((window + 1) * WINDOW_MS - now) / 1000),
  );
}
