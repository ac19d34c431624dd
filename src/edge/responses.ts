import { isVisibleAscii } from "../pixels/http-url.js";

/** The 43-byte transparent 1×1 GIF every image beacon answers with. */
export const TRANSPARENT_GIF = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
  (ch) => ch.charCodeAt(0),
);

/** Beacons must never be cached: every fire has to reach the server. */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0",
  Pragma: "no-cache",
  Expires: "0",
};

// Plain objects, not Headers: @hono/node-server writes them straight to the socket, while a
// Headers instance costs several microseconds per response to build and to read back.
function headers(extra: Record<string, string>, cookie: string | null): Record<string, string> {
  const h: Record<string, string> = { ...NO_CACHE_HEADERS, ...extra };
  if (cookie) h["Set-Cookie"] = cookie;
  return h;
}

// Shared by every answer without a cookie: the Node adapter copies plain headers before it
// changes anything, and building them costs about a microsecond a request.
const GIF_HEADERS = Object.freeze(
  headers({ "Content-Type": "image/gif", "Content-Length": "43" }, null),
);
const SCRIPT_HEADERS = Object.freeze(
  headers({ "Content-Type": "application/javascript; charset=utf-8" }, null),
);

export function gifResponse(cookie: string | null = null): Response {
  return new Response(TRANSPARENT_GIF, {
    status: 200,
    headers: cookie ? { ...GIF_HEADERS, "Set-Cookie": cookie } : GIF_HEADERS,
  });
}

export function scriptResponse(script: string, cookie: string | null = null): Response {
  return new Response(script, {
    status: 200,
    headers: cookie ? { ...SCRIPT_HEADERS, "Set-Cookie": cookie } : SCRIPT_HEADERS,
  });
}

/**
 * A 302 to `location`; the GIF instead when the value could not be a valid header (the last
 * gate: stored URLs are serialised on the way in, and again when the edge loads them).
 */
export function redirectResponse(location: string, cookie: string | null = null): Response {
  if (!isVisibleAscii(location) || location === "") return gifResponse(cookie);
  return new Response(null, { status: 302, headers: headers({ Location: location }, cookie) });
}
