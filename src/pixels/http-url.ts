import type { PiggybackPixel } from "./pixel-document.js";

/**
 * The WHATWG serialisation of an absolute http(s) URL, or null: any Unicode, control or quote
 * character comes back percent-encoded (and the host in punycode), so what is stored and sent
 * is plain visible ASCII, safe in a `Location` header and in a script literal.
 *
 * @example serializeHttpUrl("https://t.example/p?q=привет") // "https://t.example/p?q=%D0%BF…"
 */
export function serializeHttpUrl(text: unknown): string | null {
  if (typeof text !== "string") return null;
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return isVisibleAscii(url.href) ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Whether a value can go in a response header as it is: visible ASCII only. Node refuses
 * characters above U+00FF (and the process died of it, outside any handler); Latin-1 bytes and
 * controls it would send are no better for a browser.
 */
export function isVisibleAscii(value: string): boolean {
  return /^[\x21-\x7e]*$/.test(value);
}

/**
 * A stored piggyback list as the edge may use it, whatever was stored (an older version's raw
 * Unicode URL, a hand-edited Redis or KV value): each URL serialised, anything malformed dropped.
 */
export function safePiggybacks(stored: unknown): PiggybackPixel[] {
  if (!Array.isArray(stored)) return [];
  const safe: PiggybackPixel[] = [];
  for (const entry of stored as Array<Partial<PiggybackPixel> | null>) {
    const type = entry?.pixel_type;
    const url = serializeHttpUrl(entry?.url);
    if (url && (type === "img" || type === "js")) safe.push({ pixel_type: type, url });
  }
  return safe;
}
