import type { Context, Hono } from "hono";
import type { Touch } from "../attribution/types.js";
import type { AppDeps } from "../deps.js";
import { hasValidSignature } from "../signing/url-signature.js";
import { gifResponse, NO_CACHE_HEADERS, redirectResponse } from "./responses.js";
import { clickTarget, parseTouchQuery } from "./touch-query.js";
import { type Identity, identify, OPTED_OUT, wantsSecureCookie } from "./user-identity.js";
import { withTimeout } from "./with-timeout.js";

function identity(c: Context, deps: AppDeps, url: URL): Identity {
  return identify({
    cookieHeader: deps.header(c, "cookie"),
    gpc: deps.header(c, "sec-gpc"),
    honorGpc: deps.settings.honorGpc,
    secureCookie: wantsSecureCookie(url.href),
  });
}

/**
 * Whether a beacon is signed with our secret. `waitMs` bounds the wait for the secret (a click
 * waits for it before redirecting; an impression, answered already, waits until Redis has it).
 */
async function isTrusted(c: Context, deps: AppDeps, url: URL, waitMs?: number): Promise<boolean> {
  if (deps.settings.allowUnsigned && !url.searchParams.has("sig")) return true;
  const secret =
    waitMs === undefined
      ? await deps.signingSecret(c)
      : await withTimeout(deps.signingSecret(c), waitMs, null);
  return secret !== null && hasValidSignature(secret, url.pathname, url.searchParams);
}

function recordTouch(c: Context, deps: AppDeps, touch: Touch | null): void {
  // HEAD answers as GET does but records nothing (SPEC 14).
  if (touch && touch.user_id !== OPTED_OUT && c.req.method === "GET") deps.fires(c).touch(touch);
}

/**
 * `GET /imp` (an impression: always the GIF) and `GET /click` (a click: a 302 to the signed
 * `redir`, or a 400 when the URL is not signed). Touches are recorded in the background under
 * the browser's id, a fresh one for a browser without a cookie; opted-out browsers record none.
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
      const verified = touch ? isTrusted(c, deps, url) : Promise.resolve(false);
      deps.background(
        c,
        verified.then((ok) => recordTouch(c, deps, ok ? touch : null)),
      );
    } catch (error) {
      deps.log({ level: "error", route: "/imp", error: String(error) });
    }
    return gifResponse(cookie);
  });

  app.get("/click", async (c) => {
    try {
      const url = new URL(c.req.url);
      const target = clickTarget(url.searchParams);
      const trusted = target && (await isTrusted(c, deps, url, deps.settings.storageTimeoutMs));
      if (!target || !trusted) return badClick();
      const who = identity(c, deps, url);
      const touch = parseTouchQuery(
        url.searchParams,
        "click",
        who.cookieUserId ?? OPTED_OUT,
        deps.clock(),
      );
      recordTouch(c, deps, touch);
      return redirectResponse(target.href, who.setCookie);
    } catch (error) {
      deps.log({ level: "error", route: "/click", error: String(error) });
      return badClick();
    }
  });
}

function badClick(): Response {
  return new Response("This click URL is not signed or has no valid redir.\n", {
    status: 400,
    headers: { ...NO_CACHE_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
  });
}
