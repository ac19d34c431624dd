import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { DAY_MS } from "../attribution/limits.js";
import type { Touch } from "../attribution/types.js";
import { parseEventTime } from "../conversions/event-time.js";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { documentedRoute } from "./documented-route.js";
import { respond } from "./envelope.js";
import { MAX_EVENTS, readEventBatch } from "./event-batch.js";
import { checkOwnership, type Rejection } from "./event-ownership.js";
import { objectIdField, userIdField } from "./field-schemas.js";
import { actingMember } from "./tenancy.js";

const MAX_AGE_MS = 90 * DAY_MS;
const MAX_AHEAD_MS = 5 * 60_000;

const Event = z.object({
  type: z.enum(["imp", "click"]),
  user_id: userIdField(),
  advertiser_id: objectIdField(),
  line_item_id: objectIdField(),
  campaign_id: objectIdField().nullable().default(null),
  creative_id: objectIdField().nullable().default(null),
  ts: z.union([z.string().max(40), z.number()]),
});

const route = createRoute({
  method: "post",
  path: "/events",
  tags: ["events"],
  summary: "Ingest impressions and clicks from an ad server (up to 10,000 per request)",
  // Events are checked one by one in the handler (a bad one does not sink the batch), so the
  // document describes them without the route validating them.
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            events: z.array(Event).max(MAX_EVENTS).openapi({
              description:
                "Touches; `user_id` is a uuid2 (1–20 digits) or a UUID, `ts` ISO-8601 or epoch ms",
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "How many were accepted, and why the others were not",
      content: {
        "application/json": {
          schema: z.object({
            response: z.object({
              status: z.literal("OK"),
              count: z.number().int(),
              rejected: z.array(z.object({ index: z.number().int(), error: z.string() })),
            }),
          }),
        },
      },
    },
    429: { description: "More than RATE_LIMIT_EVENTS events this minute (Retry-After)" },
  },
});

/** An event checked on its own: the touch it describes, or why it is refused. */
function checkEvent(raw: unknown, now: number): Touch | string {
  const parsed = Event.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.join(".") || "event"}: ${issue?.message ?? "is invalid"}`;
  }
  const ts = parseEventTime(parsed.data.ts);
  if (ts === null) return "ts: must be ISO-8601 or epoch milliseconds";
  if (ts < now - MAX_AGE_MS) return "ts: more than 90 days old";
  if (ts > now + MAX_AHEAD_MS) return "ts: more than 5 minutes in the future";
  return { ...parsed.data, ts };
}

/**
 * `POST /events`: touches in batches. Each event stands alone: good ones are kept, bad ones
 * are listed with their index and reason; an event for another member's advertiser is refused.
 * The batch's events count against RATE_LIMIT_EVENTS, and its advertisers and line items are
 * read in two batched calls (SPEC 14: bounded work per request).
 */
export function mountEventsRoute(
  api: OpenAPIHono<ApiEnv>,
  deps: ApiDeps,
  eventsPerMinute: number,
): void {
  documentedRoute(api, route, async (c) => {
    const member = await actingMember(c, deps);
    const events = await readEventBatch(c, deps, eventsPerMinute);

    const now = deps.clock();
    const valid: Array<{ index: number; touch: Touch }> = [];
    const rejected: Rejection[] = [];
    for (const [index, raw] of events.entries()) {
      const checked = checkEvent(raw, now);
      if (typeof checked === "string") rejected.push({ index, error: checked });
      else valid.push({ index, touch: checked });
    }
    const owned = await checkOwnership(deps.stores, member, valid);
    rejected.push(...owned.rejected);
    rejected.sort((a, b) => a.index - b.index);
    await deps.stores.touches.record(owned.accepted);
    return respond(c, { status: "OK", count: owned.accepted.length, rejected });
  });
}
