/** The longest `X-Request-Id` taken from a client (or a proxy); longer ones are replaced. */
export const REQUEST_ID_MAX = 128;

const VISIBLE = /^[\x21-\x7e]+$/;

/**
 * The id a request is logged under: the caller's `X-Request-Id` when it is 1–128 visible ASCII
 * characters (a header value Node and every log reader take as it is), else a new UUID.
 */
export function requestId(sent: string | null): string {
  if (sent !== null && sent.length <= REQUEST_ID_MAX && VISIBLE.test(sent)) return sent;
  return crypto.randomUUID();
}
