import { createHmac } from "node:crypto";

/**
 * HMAC-SHA256 signatures for beacon URLs (SPEC section 3). The signed text is the path and
 * every query parameter but `sig`, sorted by name (then value) and percent-encoded:
 * `/click?adv=2&cp=17607&cr=9&li=382&redir=https%3A%2F%2Fshop.example%2F&ts=1795867200`.
 * Signing the path too means an impression URL cannot be replayed as a click; signing `ts`
 * means it cannot be made younger (SPEC 14).
 */
export function canonicalQuery(path: string, params: URLSearchParams): string {
  const pairs = [...params].filter(([name]) => name !== "sig");
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${path}?${query.join("&")}`;
}

// node:crypto's HMAC (Node, and workerd with nodejs_compat) is synchronous and several
// times cheaper per beacon than WebCrypto's promise-based sign.
function hmacHex(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}

/** The `sig` value for a beacon URL. */
export async function signatureFor(
  secret: string,
  path: string,
  params: URLSearchParams,
): Promise<string> {
  return hmacHex(secret, canonicalQuery(path, params));
}

/** Whether the URL's `sig` matches its other parameters (compared in constant time). */
export async function hasValidSignature(
  secret: string,
  path: string,
  params: URLSearchParams,
): Promise<boolean> {
  const given = (params.get("sig") ?? "").toLowerCase();
  if (given.length !== 64) return false;
  const expected = await signatureFor(secret, path, params);
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

/**
 * Returns the URL with a `sig` for its path and query added (any old `sig` replaced), and a
 * `ts` of `nowMs` (in epoch seconds) first when it has none: the edge takes no beacon without.
 *
 * @example await signUrl(secret, "https://px.example/imp?adv=2&li=382&cp=17607&cr=9")
 */
export async function signUrl(secret: string, url: string, nowMs = Date.now()): Promise<string> {
  const parsed = new URL(url);
  parsed.searchParams.delete("sig");
  if (!parsed.searchParams.has("ts"))
    parsed.searchParams.set("ts", String(Math.floor(nowMs / 1000)));
  parsed.searchParams.set("sig", await signatureFor(secret, parsed.pathname, parsed.searchParams));
  return parsed.toString();
}
