import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { DAY_MS } from "../attribution/limits.js";
import type { Touch } from "../attribution/types.js";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { syntaxError } from "./api-error.js";
import { documentedRoute } from "./documented-route.js";
import { respond } from "./envelope.js";
import { jsonBody } from "./objects/write-body.js";
import { actingMember } from "./tenancy.js";

export const MAX_EVENTS = 10_000;
const MAX_AGE_MS = 90 * DAY_MS;
const MAX_AHEAD_MS = 5 * 60_000;
const USER_ID =
  /^(?:[1-9][0-9]{0,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const Event = z.object({
  type: z.enum(["imp", "click"]),
  user_id: z.string().regex(USER_ID, "must be a uuid2 user id"),
  advertiser_id: z.number().int().positive(),
  line_item_id: z.number().int().positive(),
  campaign_id: z.number().int().positive().nullable().default(null),
  creative_id: z.number().int().positive().nullable().default(null),
  ts: z.union([z.string().max(40), z.number()]),
});

/** Epoch ms from ISO-8601 text or epoch milliseconds, or null. */
function parseTs(ts: string | number): number | null {
  const ms =
    typeof ts === "number" ? ts : /^\d{4}-\d\d-\d\dT/.test(ts) ? Date.parse(ts) : Number.NaN;
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : null;
}

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
            events: z.array(z.unknown()).openapi({
              description:
                "Touches: {type: imp|click, user_id, advertiser_id, line_item_id, campaign_id, creative_id, ts (ISO-8601 or epoch ms)}",
            }),
          }),
        },
      },
    },
  },
  responses: { 200: { description: "How many were accepted, and why the others were not" } },
});

/**
 * `POST /events`: touches in batches. Each event stands alone: good ones are kept, bad ones
 * are listed with their index and reason; an event for another member's advertiser is refused.
 */
export function mountEventsRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentedRoute(api, route, async (c) => {
    const member = await actingMember(c, deps);
    const body = (await jsonBody(c.req)) as { events?: unknown } | null;
    const events = body && typeof body === "object" ? body.events : undefined;
    if (!Array.isArray(events)) throw syntaxError("events", 'the body must be {"events": [...]}');
    if (events.length > MAX_EVENTS)
      throw syntaxError("events", `at most ${MAX_EVENTS} events a request`);

    const now = deps.clock();
    const owners = new Map<number, number | null>(); // advertiser → member (null: none)
    const lineItems = new Map<number, number | null>(); // line item → advertiser
    const accepted: Touch[] = [];
    const rejected: Array<{ index: number; error: string }> = [];
    for (const [index, raw] of events.entries()) {
      const parsed = Event.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        rejected.push({
          index,
          error: `${issue?.path.join(".") || "event"}: ${issue?.message ?? "is invalid"}`,
        });
        continue;
      }
      const e = parsed.data;
      const ts = parseTs(e.ts);
      if (ts === null)
        rejected.push({ index, error: "ts: must be ISO-8601 or epoch milliseconds" });
      else if (ts < now - MAX_AGE_MS) rejected.push({ index, error: "ts: more than 90 days old" });
      else if (ts > now + MAX_AHEAD_MS)
        rejected.push({ index, error: "ts: more than 5 minutes in the future" });
      else {
        if (!owners.has(e.advertiser_id))
          owners.set(
            e.advertiser_id,
            (await deps.stores.advertisers.get(e.advertiser_id))?.member_id ?? null,
          );
        if (!lineItems.has(e.line_item_id))
          lineItems.set(
            e.line_item_id,
            (await deps.stores.lineItems.get(e.line_item_id))?.advertiser_id ?? null,
          );
        const owner = owners.get(e.advertiser_id);
        if (owner === null || owner === undefined || (member !== null && owner !== member))
          rejected.push({ index, error: `advertiser_id: advertiser ${e.advertiser_id} not found` });
        else if (lineItems.get(e.line_item_id) !== e.advertiser_id)
          rejected.push({
            index,
            error: `line_item_id: not a line item of advertiser ${e.advertiser_id}`,
          });
        else accepted.push({ ...e, ts });
      }
    }
    await deps.stores.touches.record(accepted);
    return respond(c, { status: "OK", count: accepted.length, rejected });
  });
}
