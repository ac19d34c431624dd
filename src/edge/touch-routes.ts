import type { Context, Hono } from "hono";
import type { Touch } from "../attribution/types.js";
import type { AppDeps } from "../deps.js";
import { beaconFreshness, CLICK_MAX_AGE_S, MAX_AHEAD_S } from "../signing/beacon-freshness.js";
import { hasValidSignature } from "../signing/url-signature.js";
import { withTimeout } from "../with-timeout.js";
import { clickLanding } from "./click-landing.js";
import { gifResponse, NO_CACHE_HEADERS, redirectResponse } from "./responses.js";
import { clickTarget, impressionIdOf, parseTouchQuery } from "./touch-query.js";
import { type Identity, identify, OPTED_OUT, wantsSecureCookie } from "./user-identity.js";

function identity(c: Context, deps: AppDeps, url: URL): Identity {
  return identify({
    cookieHeader: deps.header(c, "cookie"),
    gpc: deps.header(c, "sec-gpc"),
    honorGpc: deps.settings.honorGpc,
    secureCookie: wantsSecureCookie(url.href),
  });
}

/**
 * A signed beacon counts while its signed `ts` is fresh (SPEC 14); an unsigned one only with
 * ALLOW_UNSIGNED, which stays as it was (no `ts` needed) because it is for development.
 * `waitMs` bounds the wait for the signing secret (a click waits for it before redirecting; an
 * impression, answered already, waits until Redis has it).
 */
async function isTrusted(
  c: Context,
  deps: AppDeps,
  url: URL,
  maxAgeS: number,
  waitMs?: number,
): Promise<boolean> {
  if (deps.settings.allowUnsigned && !url.searchParams.has("sig")) return true;
  if (beaconFreshness(url.searchParams.get("ts"), deps.clock(), maxAgeS) !== "fresh") return false;
  const secret =
    waitMs === undefined
      ? await deps.signingSecret(c)
      : await withTimeout(deps.signingSecret(c), waitMs, null);
  return secret !== null && hasValidSignature(secret, url.pathname, url.searchParams);
}

// HEAD answers as GET does but records nothing (SPEC 14); opted-out browsers record nothing.
const records = (c: Context, touch: Touch | null): touch is Touch =>
  touch !== null && touch.user_id !== OPTED_OUT && c.req.method === "GET";

/**
 * Whether this is the first impression with its `aid`. The id is kept a little longer than a
 * beacon with it can be fresh (its ts may be 5 minutes ahead), and no longer. When Redis
 * cannot answer, the impression is recorded (to the spool if need be): losing every
 * impression during an outage is worse than the replays its `ts` still bounds.
 */
async function firstOfItsId(c: Context, deps: AppDeps, touch: Touch, aid: string) {
  const ttlMs = (deps.settings.beaconMaxAgeS + MAX_AHEAD_S + 60) * 1000;
  try {
    return await deps
      .storage(c)
      .impressionIds.claim(touch.advertiser_id, aid, touch.user_id, ttlMs);
  } catch (error) {
    deps.log({ level: "warn", route: "/imp", msg: "aid not checked", error: String(error) });
    return true;
  }
}

async function recordImpression(c: Context, deps: AppDeps, url: URL, touch: Touch | null) {
  if (!records(c, touch)) return;
  const aid = impressionIdOf(url.searchParams);
  if (aid === undefined || !(await isTrusted(c, deps, url, deps.settings.beaconMaxAgeS))) return;
  if (aid !== null && !(await firstOfItsId(c, deps, touch, aid))) return;
  deps.fires(c).touch(touch);
}

/**
 * `GET /imp` (an impression: always the GIF) and `GET /click` (a click: a 302 to the signed
 * `redir`, with the click's id when its advertiser has `append_click_id`, or a 400 when the
 * URL is not signed or too old). Touches are recorded in the
 * background under the browser's id, a fresh one for a browser without a cookie; opted-out
 * browsers record none.
 */
export function mountTouchRoutes(app: Hono, deps: AppDeps): void {
  app.get("/imp", async (c) => {
    let cookie: string | null = null;
    try {
      const url = new URL(c.req.url);
      const who = identity(c, deps, url);
      cookie = who.setCookie;
      const touch = parseTouchQuery(
        url.searchParams,
        "imp",
        who.cookieUserId ?? OPTED_OUT,
        deps.clock(),
      );
      deps.background(c, recordImpression(c, deps, url, touch));
    } catch (error) {
      deps.log({ level: "error", route: "/imp", error: String(error) });
    }
    return gifResponse(cookie);
  });

  app.get("/click", async (c) => {
    try {
      const url = new URL(c.req.url);
      const target = clickTarget(url.searchParams);
      const trusted =
        target && (await isTrusted(c, deps, url, CLICK_MAX_AGE_S, deps.settings.storageTimeoutMs));
      if (!target || !trusted) return badClick();
      const who = identity(c, deps, url);
      const touch = parseTouchQuery(
        url.searchParams,
        "click",
        who.cookieUserId ?? OPTED_OUT,
        deps.clock(),
      );
      if (!records(c, touch)) return redirectResponse(target.href, who.setCookie);
      deps.fires(c).touch(touch);
      return redirectResponse(await clickLanding(c, deps, target, touch), who.setCookie);
    } catch (error) {
      deps.log({ level: "error", route: "/click", error: String(error) });
      return badClick();
    }
  });
}

function badClick(): Response {
  return new Response("This click URL is not signed, too old, or has no valid redir.\n", {
    status: 400,
    headers: { ...NO_CACHE_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
  });
}
