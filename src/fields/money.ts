/**
 * The largest amount of money one conversion may carry (a `value`, a pixel's post-click or
 * post-view value). Amounts are PostgreSQL `numeric`, which holds any of them, but reports add
 * them up in millionths: 1e12 × 1e6 = 1e18 keeps one amount inside int8 (9.2e18) and inside the
 * range where a JavaScript number still has every cent. Sums of many are added as BigInt and
 * written as `numeric`, so no number of conversions overflows (src/storage/sql/append-batch.ts).
 */
export const MAX_MONEY = 1_000_000_000_000;

/** A non-negative decimal, at most 13 digits before the point and 10 after. */
const MONEY_TEXT = /^[0-9]{1,13}(?:\.[0-9]{1,10})?$/;

/** Whether `value` is an amount the store and the reports can hold. */
export function isMoney(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_MONEY;
}

/**
 * An amount in a query string (`/px?value=`), or null when it is malformed or too large.
 *
 * @example parseMoney("49.90") // 49.9; parseMoney("9999999999999") // null
 */
export function parseMoney(text: string | null | undefined): number | null {
  if (!text || !MONEY_TEXT.test(text)) return null;
  const value = Number(text);
  return value <= MAX_MONEY ? value : null;
}
