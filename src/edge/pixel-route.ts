import type { Context, Hono } from "hono";
import { newFireId } from "../conversions/fire-id.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import type { AppDeps } from "../deps.js";
import type { EdgePixel } from "../pixels/pixel-document.js";
import { withTimeout } from "../with-timeout.js";
import { creditClickId } from "./click-id-fire.js";
import { pixelAnswer } from "./piggyback-response.js";
import { type PixelQuery, parsePixelQuery } from "./pixel-query.js";
import { gifResponse, redirectResponse, scriptResponse } from "./responses.js";
import { identify, OPTED_OUT, wantsSecureCookie } from "./user-identity.js";

/**
 * `GET /px`: answers at once with the GIF, a redirect or the piggyback script, and hands the
 * fire over to be attributed and recorded after the response. No input and no storage failure
 * reaches the browser.
 */
export function mountPixelRoute(app: Hono, deps: AppDeps): void {
  app.get("/px", (c) => {
    try {
      const response = answerFire(c, deps);
      return response instanceof Promise ? response.catch((e) => failSafe(c, deps, e)) : response;
    } catch (error) {
      return failSafe(c, deps, error);
    }
  });
}

/** Whatever went wrong, the browser still gets its GIF or an empty script. */
function failSafe(c: Context, deps: AppDeps, error: unknown): Response {
  deps.log({ level: "error", route: "/px", error: String(error) });
  return c.req.query("t") === "1" ? scriptResponse("") : gifResponse();
}

/**
 * Synchronous when the pixel config is in the in-process cache (the hot path: no promise, no
 * timer); otherwise waits at most EDGE_STORAGE_TIMEOUT_MS for it.
 */
function answerFire(c: Context, deps: AppDeps): Response | Promise<Response> {
  const query = parsePixelQuery(c.req.query());
  const identity = identify({
    cookieHeader: deps.header(c, "cookie"),
    // The tag loader passes the page's navigator.globalPrivacyControl on as `gpc=1`.
    gpc: query.gpc ? "1" : deps.header(c, "sec-gpc"),
    honorGpc: deps.settings.honorGpc,
    secureCookie: wantsSecureCookie(c.req.url),
  });
  const optedOut = identity.userId === OPTED_OUT;
  const fire: AcceptedFire = {
    id: newFireId(),
    ts: deps.clock(),
    user_id: identity.userId,
    requested_pixel_id: query.pixel && "id" in query.pixel ? query.pixel.id : null,
    // An opted-out user leaves only an anonymous record.
    order_id: optedOut ? null : query.orderId,
    other: optedOut ? null : query.other,
    value: query.value,
    event_id: optedOut ? null : query.eventId,
  };
  // A click id is checked after the answer (its signature needs the secret); the browser's
  // answer never depends on it.
  const clickId = optedOut ? null : query.clickId;
  // HEAD answers as GET does (a link checker, a prefetching proxy) but is not a fire.
  const recording = c.req.method === "GET";
  const fires = deps.fires(c);
  const pixels = deps.storage(c).pixels;
  const cached = query.pixel ? pixels.peek?.(query.pixel) : null;
  if (cached !== undefined) {
    if (recording && clickId)
      deps.background(
        c,
        creditClickId(c, deps, fire, clickId).then((credited) => fires.record(credited, cached)),
      );
    else if (recording) fires.record(fire, cached);
    return answer(query, cached, identity.setCookie);
  }
  const config = query.pixel ? pixels.get(query.pixel) : Promise.resolve(null);
  // The fire is recorded once the config arrives, however long after the answer that is; when
  // it cannot be read (Redis away), the fire is kept with the reference to read it later.
  if (recording)
    deps.background(
      c,
      creditClickId(c, deps, fire, clickId).then((credited) =>
        config.then(
          (pixel) => fires.record(credited, pixel),
          () => fires.recordUnresolved(credited, query.pixel),
        ),
      ),
    );
  return withTimeout(config, deps.settings.storageTimeoutMs, null).then((pixel) =>
    answer(query, pixel, identity.setCookie),
  );
}

function answer(query: PixelQuery, pixel: EdgePixel | null, cookie: string | null): Response {
  const result = pixelAnswer(query, pixel);
  switch (result.kind) {
    case "gif":
      return gifResponse(cookie);
    case "redirect":
      return redirectResponse(result.location, cookie);
    case "script":
      return scriptResponse(result.body, cookie);
  }
}
