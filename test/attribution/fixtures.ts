import type { Fire, PixelRules, RepeatState, Touch } from "../../src/attribution/types.js";

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
/** A fixed "now" for the fires in the tables. */
export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

export function pixel(overrides: Partial<PixelRules> = {}): PixelRules {
  return {
    state: "active",
    advertiser_id: 2,
    trigger_type: "hybrid",
    min_minutes_per_conv: null,
    post_view_expire_mins: 60,
    post_click_expire_mins: 120,
    post_view_value: 1,
    post_click_value: 10,
    line_items: [{ id: 382, state: "active" }],
    ...overrides,
  };
}

/** A touch `minutesAgo` before T0 on line item 382 of advertiser 2. */
export function touch(
  type: Touch["type"],
  minutesAgo: number,
  overrides: Partial<Touch> = {},
): Touch {
  return {
    type,
    user_id: "123",
    advertiser_id: 2,
    line_item_id: 382,
    campaign_id: 17607,
    creative_id: 9,
    ts: T0 - minutesAgo * MIN,
    ...overrides,
  };
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
