/**
 * Object ids (members, advertisers, line items, campaigns, creatives, pixels) are PostgreSQL
 * `integer` columns: this is the largest the store can hold, and so the largest any input
 * path accepts. One definition, used by the edge's query parsing, the API's schemas and the
 * event store's last check before a batch is written.
 */
export const MAX_OBJECT_ID = 2_147_483_647;

/** At most ten digits, no leading zero: the text form, checked against the bound as well. */
const OBJECT_ID_TEXT = /^[1-9][0-9]{0,9}$/;

/** Whether `value` is an object id the store can hold: an integer from 1 to MAX_OBJECT_ID. */
export function isObjectId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_OBJECT_ID;
}

/**
 * An object id in a query string, or null when it is not one the store can hold.
 *
 * @example parseObjectId("37") // 37; parseObjectId("2147483648") // null
 */
export function parseObjectId(text: string | null | undefined): number | null {
  if (!text || !OBJECT_ID_TEXT.test(text)) return null;
  const id = Number(text);
  return id <= MAX_OBJECT_ID ? id : null;
}
