/**
 * A user id as a browser's `uuid2` cookie or an ad server may bring it: the AppNexus format, an
 * unsigned 64-bit decimal (1 to 18446744073709551615), or a UUID. The fire log keeps decimals
 * in a `numeric` column and UUIDs as text.
 */
const DECIMAL_OR_UUID =
  /^(?:[1-9][0-9]{0,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The largest uuid2: 2^64 − 1. */
export const MAX_DECIMAL_USER_ID = "18446744073709551615";

/** Whether `text` is a user id: a decimal of at most 2^64 − 1, or a UUID. */
export function isUserId(text: unknown): text is string {
  if (typeof text !== "string" || !DECIMAL_OR_UUID.test(text)) return false;
  // 20 digits may pass 2^64 − 1; equal lengths of digits compare as strings.
  return text.length < 20 || text.includes("-") || text <= MAX_DECIMAL_USER_ID;
}
