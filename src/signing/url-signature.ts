/**
 * HMAC-SHA256 signatures for beacon URLs (SPEC section 3). The signed text is the path and
 * every query parameter but `sig`, sorted by name (then value) and percent-encoded:
 * `/click?adv=2&cp=17607&cr=9&li=382&redir=https%3A%2F%2Fshop.example%2F`. Signing the path
 * too means an impression URL cannot be replayed as a click.
 */
export function canonicalQuery(path: string, params: URLSearchParams): string {
  const pairs = [...params].filter(([name]) => name !== "sig");
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${path}?${query.join("&")}`;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret),
    new TextEncoder().encode(text),
  );
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `sig` value for a beacon URL. */
export function signatureFor(
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
 * Returns the URL with a `sig` for its path and query added (any old `sig` replaced).
 *
 * @example await signUrl(secret, "https://px.example/imp?adv=2&li=382&cp=17607&cr=9")
 */
export async function signUrl(secret: string, url: string): Promise<string> {
  const parsed = new URL(url);
  parsed.searchParams.delete("sig");
  parsed.searchParams.set("sig", await signatureFor(secret, parsed.pathname, parsed.searchParams));
  return parsed.toString();
}
