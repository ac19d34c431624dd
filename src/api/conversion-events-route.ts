import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { withClick } from "../conversions/click-credit.js";
import { isEventId } from "../conversions/event-id.js";
import { conversionTime } from "../conversions/event-time.js";
import { newFireId } from "../conversions/fire-id.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import { keptOther } from "../edge/pixel-query.js";
import { NO_COOKIE } from "../edge/user-identity.js";
import { unstorableText } from "../fields/storable-text.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import { pixelRefKey } from "../pixels/pixel-document.js";
import { type ClickIdContents, decodeClickId } from "../signing/click-id.js";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { documentedRoute } from "./documented-route.js";
import { respond } from "./envelope.js";
import { readEventBatch } from "./event-batch.js";
import type { Rejection } from "./event-ownership.js";
import { moneyField, objectIdField, userIdField } from "./field-schemas.js";
import { actingMember } from "./tenancy.js";

/** The most distinct pixels one request may name: each may cost a read (SPEC 14). */
export const MAX_PIXELS = 100;

const ConversionEvent = z
  .object({
    pixel_id: objectIdField().optional(),
    pixel_code: z.string().min(1).max(100).optional(),
    member_id: objectIdField().optional(),
    event_id: z.string().refine(isEventId, "must be 1-64 of A-Z a-z 0-9 . _ : -").optional(),
    ts: z.union([z.string().max(40), z.number()]).optional(),
    click_id: z.string().optional(),
    user_id: userIdField().optional(),
    order_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,36}$/, "must be 1-36 of A-Z a-z 0-9 _ -")
      .optional(),
    value: moneyField().optional(),
    other: z.string().max(1000).optional(),
  })
  .strict();

type Checked = { index: number; ref: PixelRef; fire: AcceptedFire; click: ClickIdContents | null };

const route = createRoute({
  method: "post",
  path: "/conversion-events",
  tags: ["events"],
  summary: "Server-side conversions (up to 10,000 per request), attributed like /px fires",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            events: z.array(z.unknown()).openapi({
              description:
                "Conversions: {pixel_id (or pixel_code + member_id), event_id, ts (ISO-8601 or epoch ms, at most 7 days old; default now), click_id (a pxclid) or user_id, order_id, value, other}",
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: "How many were accepted, and why the others were not" },
    429: { description: "More than RATE_LIMIT_EVENTS events this minute (Retry-After)" },
  },
});

/** One conversion checked on its own: the fire it becomes, or why it is refused. */
function checkEvent(
  raw: unknown,
  index: number,
  now: number,
  member: number | null,
  secret: string,
): Checked | Rejection {
  const parsed = ConversionEvent.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      index,
      error: `${issue?.path.join(".") || "event"}: ${issue?.message ?? "is invalid"}`,
    };
  }
  const e = parsed.data;
  let ref: PixelRef;
  if (e.pixel_id !== undefined && e.pixel_code === undefined) ref = { id: e.pixel_id };
  else if (e.pixel_code !== undefined && e.pixel_id === undefined) {
    const owner = e.member_id ?? member;
    if (owner === null) return { index, error: "member_id: name the member of pixel_code" };
    ref = { code: e.pixel_code, member_id: owner };
  } else return { index, error: "pixel_id: name the pixel by pixel_id or pixel_code" };
  const ts = conversionTime(e.ts, now);
  if (typeof ts === "string") return { index, error: ts };
  if (e.click_id === undefined && e.user_id === undefined)
    return { index, error: "click_id: a click_id or a user_id is required" };
  const click = e.click_id === undefined ? null : decodeClickId(secret, e.click_id);
  if (e.click_id !== undefined && !click)
    return { index, error: "click_id: not a click id of this service (tampered or truncated?)" };
  const other = keptOther(e.other);
  const unstorable = other === null ? null : unstorableText(other);
  if (unstorable) return { index, error: `other: ${unstorable}` };
  const fire: AcceptedFire = {
    id: newFireId(),
    ts,
    user_id: e.user_id ?? NO_COOKIE,
    requested_pixel_id: e.pixel_id ?? null,
    order_id: e.order_id ?? null,
    other,
    value: e.value ?? null,
    event_id: e.event_id ?? null,
  };
  return { index, ref, fire, click };
}

/** The configs of the pixels a batch names, at most MAX_PIXELS of them, read together. */
async function pixelsNamed(
  deps: ApiDeps,
  refs: readonly PixelRef[],
): Promise<Map<string, EdgePixel | null>> {
  const distinct = new Map<string, PixelRef>();
  for (const ref of refs) {
    if (distinct.size >= MAX_PIXELS) break;
    distinct.set(pixelRefKey(ref), ref);
  }
  const found = await Promise.all(
    [...distinct].map(async ([key, ref]) => [key, await deps.conversions.pixels.get(ref)] as const),
  );
  return new Map(found);
}

/**
 * `POST /conversion-events`: conversions reported by the advertiser's server (SPEC 12), each
 * carrying the click id the landing page got (`click_id`) or a `user_id`. Each event stands
 * alone: good ones are attributed by the same script as `/px` fires (after the answer, through
 * the same queue and spool), bad ones listed with their index and reason; a pixel of another
 * member answers as if it did not exist. Counted against RATE_LIMIT_EVENTS, not API writes.
 */
export function mountConversionEventsRoute(
  api: OpenAPIHono<ApiEnv>,
  deps: ApiDeps,
  eventsPerMinute: number,
): void {
  documentedRoute(api, route, async (c) => {
    const member = await actingMember(c, deps);
    const events = await readEventBatch(c, deps, eventsPerMinute);

    const now = deps.clock();
    const secret = await deps.conversions.signingSecret();
    const rejected: Rejection[] = [];
    const valid: Checked[] = [];
    for (const [index, raw] of events.entries()) {
      const checked = checkEvent(raw, index, now, member, secret);
      if ("error" in checked) rejected.push(checked);
      else valid.push(checked);
    }
    const pixels = await pixelsNamed(
      deps,
      valid.map((v) => v.ref),
    );
    let count = 0;
    for (const { index, ref, fire, click } of valid) {
      const key = pixelRefKey(ref);
      const pixel = pixels.get(key);
      const name = "id" in ref ? `pixel_id: pixel ${ref.id}` : `pixel_code: pixel ${ref.code}`;
      if (pixel === undefined)
        rejected.push({ index, error: `${name}: more than ${MAX_PIXELS} pixels in one request` });
      else if (pixel === null || (member !== null && pixel.member_id !== member))
        rejected.push({ index, error: `${name} not found` });
      else {
        deps.conversions.fires.record(withClick(fire, click), pixel);
        count++;
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    return respond(c, { status: "OK", count, rejected });
  });
}
