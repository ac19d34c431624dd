import type { Fire, PixelRules, RepeatState, Touch } from "../../src/attribution/types.js";
import { edgePixel, touchOf } from "../helpers/documents.js";

// The attribution tables' helpers: times in minutes before T0, over the tests' one set of
// fixtures (test/helpers/documents.ts).

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
/** A fixed "now" for the fires in the tables. */
export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

/**
 * Pixel 37's rules with the tables' short windows (an hour post-view, two hours post-click),
 * so that the edges of a window read as small numbers of minutes.
 */
export function pixel(overrides: Partial<PixelRules> = {}): PixelRules {
  return edgePixel({ post_view_expire_mins: 60, post_click_expire_mins: 120, ...overrides });
}

/** A touch of user 123 `minutesAgo` before T0 on line item 382 of advertiser 2. */
export function touch(
  type: Touch["type"],
  minutesAgo: number,
  overrides: Partial<Touch> = {},
): Touch {
  return touchOf(type, "123", T0 - minutesAgo * MIN, overrides);
}

export function fire(overrides: Partial<Fire> = {}): Fire {
  return { user_id: "123", ts: T0, order_id: null, value: null, ...overrides };
}

export function state(
  lastMinutesAgo: number | null,
  orders: Record<string, number> = {},
  events: Record<string, number> = {},
): RepeatState {
  const ago = (entries: Record<string, number>) =>
    new Map(Object.entries(entries).map(([id, minsAgo]) => [id, T0 - minsAgo * MIN]));
  return {
    last_conversion_ts: lastMinutesAgo === null ? null : T0 - lastMinutesAgo * MIN,
    order_ids: ago(orders),
    event_ids: ago(events),
  };
}
