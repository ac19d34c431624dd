import type { Context, Hono } from "hono";
import type { AcceptedFire } from "../conversions/log-rows.js";
import { recordFire } from "../conversions/record-fire.js";
import type { AppDeps } from "../deps.js";
import type { EdgePixel } from "../pixels/pixel-document.js";
import { pixelAnswer } from "./piggyback-response.js";
import { parsePixelQuery } from "./pixel-query.js";
import { gifResponse, redirectResponse, scriptResponse } from "./responses.js";
import { identify, OPTED_OUT, wantsSecureCookie } from "./user-identity.js";
import { withTimeout } from "./with-timeout.js";

/**
 * `GET /px`: answers at once with the GIF, a redirect or the piggyback script, and records and
 * attributes the fire in the background. No input and no storage failure reaches the browser.
 */
export function mountPixelRoute(app: Hono, deps: AppDeps): void {
  app.get("/px", async (c) => {
    try {
      return await answerFire(c, deps);
    } catch (error) {
      deps.log({ level: "error", route: "/px", error: String(error) });
      return c.req.query("t") === "1" ? scriptResponse("") : gifResponse();
    }
  });
}

async function answerFire(c: Context, deps: AppDeps): Promise<Response> {
  const url = new URL(c.req.url);
  const query = parsePixelQuery(url.searchParams);
  const identity = identify({
    cookieHeader: c.req.header("Cookie") ?? null,
    gpc: c.req.header("Sec-GPC") ?? null,
    honorGpc: deps.settings.honorGpc,
    secureCookie: wantsSecureCookie(url),
  });
  const optedOut = identity.userId === OPTED_OUT;
  const fire: AcceptedFire = {
    id: crypto.randomUUID(),
    ts: deps.clock(),
    user_id: identity.userId,
    requested_pixel_id: query.pixel && "id" in query.pixel ? query.pixel.id : null,
    // An opted-out user leaves only an anonymous record.
    order_id: optedOut ? null : query.orderId,
    other: optedOut ? null : query.other,
    value: query.value,
  };

  const storage = deps.storage(c);
  const config: Promise<EdgePixel | null> = query.pixel
    ? storage.pixels.get(query.pixel)
    : Promise.resolve(null);
  deps.background(
    c,
    config.then((pixel) => recordFire(storage, fire, pixel)),
  );

  const pixel = await withTimeout(config, deps.settings.storageTimeoutMs, null);
  const answer = pixelAnswer(query, pixel);
  switch (answer.kind) {
    case "gif":
      return gifResponse(identity.setCookie);
    case "redirect":
      return redirectResponse(answer.location, identity.setCookie);
    case "script":
      return scriptResponse(answer.body, identity.setCookie);
  }
}
