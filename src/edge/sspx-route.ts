import type { Context, Hono } from "hono";
import { conversionTime } from "../conversions/event-time.js";
import { newFireId } from "../conversions/fire-id.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import type { AppDeps } from "../deps.js";
import { creditClickId } from "./click-id-fire.js";
import { parsePixelQuery } from "./pixel-query.js";
import { gifResponse } from "./responses.js";
import { NO_COOKIE } from "./user-identity.js";

/**
 * `GET /sspx?id=&order_id=&value=&other=&event_id=&ts=&sspdata=<click id>`: Xandr's server-side
 * conversion pixel (SPEC 12). Called by an advertiser's server or an attribution vendor, not a
 * browser: no cookie is read or set, and the user is the click id's. Always answers 200 with
 * the GIF at once; the fire is attributed after the answer by the same script as `/px`. `ts`
 * (ISO-8601 or epoch ms) back-dates it up to 7 days; one out of range records nothing.
 */
export function mountSspxRoute(app: Hono, deps: AppDeps): void {
  app.get("/sspx", (c) => {
    try {
      // HEAD answers as GET does and records nothing (SPEC 14).
      if (c.req.method === "GET") recordServerFire(c, deps);
    } catch (error) {
      deps.log({ level: "error", route: "/sspx", error: String(error) });
    }
    return gifResponse();
  });
}

function recordServerFire(c: Context, deps: AppDeps): void {
  const params = c.req.query();
  const query = parsePixelQuery(params, "sspdata");
  const ts = conversionTime(params.ts, deps.clock());
  if (typeof ts === "string") return;
  const fire: AcceptedFire = {
    id: newFireId(),
    ts,
    user_id: NO_COOKIE,
    requested_pixel_id: query.pixel && "id" in query.pixel ? query.pixel.id : null,
    order_id: query.orderId,
    other: query.other,
    value: query.value,
    event_id: query.eventId,
  };
  const pixels = deps.storage(c).pixels;
  const fires = deps.fires(c);
  const ref = query.pixel;
  deps.background(
    c,
    creditClickId(c, deps, fire, query.clickId).then(async (credited) => {
      const pixel = ref ? pixels.get(ref) : Promise.resolve(null);
      await pixel.then(
        (config) => fires.record(credited, config),
        // The config could not be read (Redis away): kept with the reference, read later.
        () => fires.recordUnresolved(credited, ref),
      );
    }),
  );
}
