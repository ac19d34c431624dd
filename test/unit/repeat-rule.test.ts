import { describe, expect, it } from "vitest";
import { ORDER_ID_MEMORY_MS } from "../../src/attribution/limits.js";
import { afterCounted, repeatRefusal } from "../../src/attribution/repeat-rule.js";
import { fire, MIN, pixel, state, T0 } from "../attribution/fixtures.js";

describe("repeatRefusal", () => {
  it.each([
    ["a first conversion", null, null, null, {}, null],
    ["a repeat user without min_minutes_per_conv", null, 10, null, {}, "repeat_user"],
    ["within min_minutes_per_conv", 30, 29, null, {}, "repeat_interval"],
    ["exactly min_minutes_per_conv later", 30, 30, null, {}, null],
    ["min_minutes_per_conv 0: any later fire", 0, 0, null, {}, null],
    ["an order id counted before", null, null, "A-1", { "A-1": 60 }, "duplicate_order"],
    ["another order id", null, null, "B-2", { "A-1": 60 }, null],
    ["a duplicate order before a repeat", 30, 5, "A-1", { "A-1": 5 }, "duplicate_order"],
  ] as const)("%s", (_what, minMins, lastAgo, orderId, orders, expected) => {
    expect(
      repeatRefusal(
        pixel({ min_minutes_per_conv: minMins }),
        state(lastAgo, orders),
        fire({ order_id: orderId }),
      ),
    ).toBe(expected);
  });

  it(`remembers an order id for ${ORDER_ID_MEMORY_MS / 86_400_000} days, to the millisecond`, () => {
    const counted = {
      last_conversion_ts: null,
      order_ids: new Map([["A-1", T0]]),
      event_ids: new Map(),
    };
    const at = (ms: number) => repeatRefusal(pixel(), counted, fire({ order_id: "A-1", ts: ms }));
    expect(at(T0 + ORDER_ID_MEMORY_MS)).toBe("duplicate_order");
    expect(at(T0 + ORDER_ID_MEMORY_MS + 1)).toBeNull();
  });
});

describe("afterCounted", () => {
  it("remembers the conversion's time and order id, leaving the state given alone", () => {
    const before = state(null);
    const after = afterCounted(before, fire({ order_id: "A-1" }));
    expect(after.last_conversion_ts).toBe(T0);
    expect([...after.order_ids]).toEqual([["A-1", T0]]);
    expect(before.order_ids.size).toBe(0);
  });

  it("keeps the newest time when an older fire is counted after a newer one", () => {
    const after = afterCounted(state(0), fire({ ts: T0 - 5 * MIN }));
    expect(after.last_conversion_ts).toBe(T0);
  });
});
