/**
 * The WHATWG serialisation of an absolute http(s) URL, or null: any Unicode, control or quote
 * character comes back percent-encoded (and the host in punycode), so what is stored and sent
 * is plain visible ASCII, safe in a `Location` header and in a script literal.
 *
 * @example serializeHttpUrl("https://t.example/p?q=привет") // "https://t.example/p?q=%D0%BF…"
 */
export function serializeHttpUrl(text: unknown): string | null {
  const url = typeof text === "string" ? parseHttpUrl(text, Number.POSITIVE_INFINITY) : null;
  return url && isVisibleAscii(url.href) ? url.href : null;
}

/** The longest URL the edge takes from a request (`redir`). */
const MAX_URL_LENGTH = 2048;

/** An absolute http(s) URL of at most `maxLength` characters, or null. */
export function parseHttpUrl(
  text: string | null | undefined,
  maxLength = MAX_URL_LENGTH,
): URL | null {
  if (!text || text.length > maxLength) return null;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
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
