import { isUserId } from "../fields/user-id.js";

/** The user id cookie, as AppNexus names it. */
export const USER_COOKIE = "uuid2";
export const OPTED_OUT = "-1";
/** The fire-log user id of a browser that came without a cookie. */
export const NO_COOKIE = "0";

const NINETY_DAYS_S = 7_776_000;
const FIVE_YEARS_S = 157_680_000;

export interface Identity {
  /** The id fires and touches are recorded under: a user id, `"0"` or `"-1"`. */
  userId: string;
  /** The id the browser should hold from now on (a fresh one for a new browser), or null. */
  cookieUserId: string | null;
  /** A `Set-Cookie` value to send, or null. */
  setCookie: string | null;
}

/** A random unsigned 64-bit decimal, the AppNexus uuid2 format. */
export function newUserId(): string {
  const [id] = crypto.getRandomValues(new BigUint64Array(1));
  return id && id > 0n ? id.toString() : newUserId();
}

/** Reads one cookie from a Cookie header without splitting the others out. */
export function readCookie(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  const wanted = `${name}=`;
  let at = header.indexOf(wanted);
  while (at !== -1) {
    let before = at - 1;
    while (before >= 0 && header[before] === " ") before--;
    if (before < 0 || header[before] === ";") {
      const end = header.indexOf(";", at);
      return header.slice(at + wanted.length, end === -1 ? undefined : end).trim();
    }
    at = header.indexOf(wanted, at + 1);
  }
  return null;
}

/** A `uuid2` Set-Cookie value; `secure` false only for plain-http local development. */
export function userCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attrs = [`${USER_COOKIE}=${value}`, `Max-Age=${maxAgeSeconds}`, "Path=/"];
  if (secure) attrs.push("Secure", "SameSite=None");
  else attrs.push("SameSite=Lax");
  attrs.push("HttpOnly");
  return attrs.join("; ");
}

export interface IdentityRequest {
  cookieHeader: string | null;
  /** The `Sec-GPC` header. */
  gpc: string | null;
  honorGpc: boolean;
  secureCookie: boolean;
}

/**
 * Who is firing: an opted-out browser (cookie `-1`, or `Sec-GPC: 1` when honoured) is `-1` and
 * gets no cookie; a browser without a valid cookie is recorded as `0` and given a new id.
 */
export function identify(request: IdentityRequest): Identity {
  const cookie = readCookie(request.cookieHeader, USER_COOKIE);
  if (cookie === OPTED_OUT || (request.honorGpc && request.gpc?.trim() === "1"))
    return { userId: OPTED_OUT, cookieUserId: null, setCookie: null };
  if (cookie && isUserId(cookie)) return { userId: cookie, cookieUserId: cookie, setCookie: null };
  const fresh = newUserId();
  return {
    userId: NO_COOKIE,
    cookieUserId: fresh,
    setCookie: userCookie(fresh, NINETY_DAYS_S, request.secureCookie),
  };
}

export function optOutCookie(secure: boolean): string {
  return userCookie(OPTED_OUT, FIVE_YEARS_S, secure);
}

export function clearCookie(secure: boolean): string {
  return userCookie("", 0, secure);
}

const LOOPBACK_HTTP = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?(?:[/?#]|$)/i;

/** Secure cookies everywhere but plain http on a loopback host (local development). */
export function wantsSecureCookie(url: string): boolean {
  return !LOOPBACK_HTTP.test(url);
}
