import type { Context } from "hono";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { syntaxError } from "./api-error.js";
import { chargeEvents } from "./event-rate-limit.js";
import { jsonBody } from "./objects/write-body.js";
import { rateSubject } from "./rate-limit.js";

/** Events one request may carry (`/events`, `/conversion-events`). */
export const MAX_EVENTS = 10_000;

/**
 * The `{"events": [...]}` of a batch ingestion request, charged to its caller's
 * RATE_LIMIT_EVENTS minute (the X-Ratelimit-Events and X-Count-Events headers set): the same
 * for touches and server-side conversions.
 */
export async function readEventBatch(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  eventsPerMinute: number,
): Promise<unknown[]> {
  const body = (await jsonBody(c.req)) as { events?: unknown } | null;
  const events = body && typeof body === "object" ? body.events : undefined;
  if (!Array.isArray(events)) throw syntaxError("events", 'the body must be {"events": [...]}');
  if (events.length > MAX_EVENTS)
    throw syntaxError("events", `at most ${MAX_EVENTS} events a request`);
  const charged = await chargeEvents(deps, rateSubject(c.var.user), events.length, eventsPerMinute);
  c.header("X-Ratelimit-Events", String(charged.limit));
  c.header("X-Count-Events", String(charged.count));
  return events;
}
