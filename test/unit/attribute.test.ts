import { describe, expect, it } from "vitest";
import { attribute, EMPTY_REPEAT_STATE } from "../../src/attribution/attribute.js";
import { afterCounted } from "../../src/attribution/repeat-rule.js";
import type { Fire, PixelRules, RepeatState, Touch } from "../../src/attribution/types.js";
import { DAY, fire, MIN, pixel, state, T0, touch } from "../attribution/fixtures.js";

interface Case {
  name: string;
  pixel?: Partial<PixelRules>;
  touches: Touch[];
  state?: RepeatState;
  fire?: Partial<Fire>;
  /** reason, then for attributed fires the credited type and touch time (minutes before T0). */
  expect: [reason: string, type?: "click" | "view", minutesAgo?: number];
  revenue?: number | null;
}

const cases: Case[] = [
  // trigger_type (SPEC 4.3)
  {
    name: "view credits the newest impression",
    pixel: { trigger_type: "view" },
    touches: [touch("imp", 30), touch("imp", 10), touch("click", 5)],
    expect: ["counted", "view", 10],
  },
  {
    name: "view ignores clicks",
    pixel: { trigger_type: "view" },
    touches: [touch("click", 5)],
    expect: ["no_touch"],
  },
  {
    name: "click credits the newest click, not a newer impression",
    pixel: { trigger_type: "click" },
    touches: [touch("click", 50), touch("click", 20), touch("imp", 1)],
    expect: ["counted", "click", 20],
  },
  {
    name: "click ignores impressions",
    pixel: { trigger_type: "click" },
    touches: [touch("imp", 1)],
    expect: ["no_touch"],
  },
  {
    name: "hybrid prefers a click even when an impression is newer",
    touches: [touch("imp", 1), touch("click", 100)],
    expect: ["counted", "click", 100],
  },
  {
    name: "hybrid falls back to the newest impression",
    touches: [touch("imp", 40), touch("imp", 20)],
    expect: ["counted", "view", 20],
  },
  {
    name: "hybrid with the click out of its window takes the impression",
    touches: [touch("click", 121), touch("imp", 59)],
    expect: ["counted", "view", 59],
  },
  { name: "no touches at all", touches: [], expect: ["no_touch"] },

  // windows (SPEC 4.2): exactly at the limit qualifies, one minute past does not
  {
    name: "impression exactly at the post-view limit",
    pixel: { trigger_type: "view" },
    touches: [touch("imp", 60)],
    expect: ["counted", "view", 60],
  },
  {
    name: "impression one minute past the post-view limit",
    pixel: { trigger_type: "view" },
    touches: [touch("imp", 61)],
    expect: ["no_touch"],
  },
  {
    name: "click exactly at the post-click limit",
    pixel: { trigger_type: "click" },
    touches: [touch("click", 120)],
    expect: ["counted", "click", 120],
  },
  {
    name: "click one minute past the post-click limit",
    pixel: { trigger_type: "click" },
    touches: [touch("click", 121)],
    expect: ["no_touch"],
  },
  {
    name: "post_view_expire_mins 0 means 43200",
    pixel: { trigger_type: "view", post_view_expire_mins: 0 },
    touches: [touch("imp", 43_200)],
    expect: ["counted", "view", 43_200],
  },
  {
    name: "post_view_expire_mins 0: one minute past 43200",
    pixel: { trigger_type: "view", post_view_expire_mins: 0 },
    touches: [touch("imp", 43_201)],
    expect: ["no_touch"],
  },
  {
    name: "post_view_expire_mins null means 43200",
    pixel: { trigger_type: "view", post_view_expire_mins: null },
    touches: [touch("imp", 43_200)],
    expect: ["counted", "view", 43_200],
  },
  {
    name: "post_view_expire_mins null: one minute past 43200",
    pixel: { trigger_type: "view", post_view_expire_mins: null },
    touches: [touch("imp", 43_201)],
    expect: ["no_touch"],
  },
  {
    name: "post_click_expire_mins 0 means 129600",
    pixel: { trigger_type: "click", post_click_expire_mins: 0 },
    touches: [touch("click", 129_600)],
    expect: ["counted", "click", 129_600],
  },
  {
    name: "post_click_expire_mins null: one minute past 129600",
    pixel: { trigger_type: "click", post_click_expire_mins: null },
    touches: [touch("click", 129_601)],
    expect: ["no_touch"],
  },
  {
    name: "post_click_expire_mins null means 129600",
    pixel: { trigger_type: "click", post_click_expire_mins: null },
    touches: [touch("click", 129_600)],
    expect: ["counted", "click", 129_600],
  },
  {
    name: "a touch after the fire does not qualify",
    touches: [touch("click", -1)],
    expect: ["no_touch"],
  },
  {
    name: "a touch at the very time of the fire qualifies",
    touches: [touch("click", 0)],
    expect: ["counted", "click", 0],
  },

  // which touches may be credited (SPEC 4.1)
  {
    name: "inactive pixel",
    pixel: { state: "inactive" },
    touches: [touch("click", 1)],
    expect: ["inactive_pixel"],
  },
  {
    name: "pixel on no line item",
    pixel: { line_items: [] },
    touches: [touch("click", 1)],
    expect: ["no_line_item"],
  },
  {
    name: "pixel with line_items null",
    pixel: { line_items: null },
    touches: [touch("click", 1)],
    expect: ["no_line_item"],
  },
  {
    name: "pixel attached only inactively",
    pixel: { line_items: [{ id: 382, state: "inactive" }] },
    touches: [touch("click", 1)],
    expect: ["no_line_item"],
  },
  {
    name: "touch on a line item the pixel is not on",
    touches: [touch("click", 1, { line_item_id: 999 })],
    expect: ["no_touch"],
  },
  {
    name: "touch on an inactive attachment is skipped for an active one",
    pixel: {
      line_items: [
        { id: 382, state: "active" },
        { id: 383, state: "inactive" },
      ],
    },
    touches: [touch("click", 1, { line_item_id: 383 }), touch("click", 9)],
    expect: ["counted", "click", 9],
  },
  {
    name: "touch of another advertiser",
    touches: [touch("click", 1, { advertiser_id: 3 })],
    expect: ["no_touch"],
  },
  {
    name: "browser without a cookie",
    fire: { user_id: "0" },
    touches: [touch("click", 1)],
    expect: ["unknown_user"],
  },
  {
    name: "opted-out browser",
    fire: { user_id: "-1" },
    touches: [touch("click", 1)],
    expect: ["unknown_user"],
  },
  {
    name: "equal times: the higher line item wins",
    pixel: {
      line_items: [
        { id: 382, state: "active" },
        { id: 400, state: "active" },
      ],
    },
    touches: [touch("click", 5), touch("click", 5, { line_item_id: 400 })],
    expect: ["counted", "click", 5],
  },

  // repeats (SPEC 4.4)
  {
    name: "min_minutes_per_conv null: the first conversion counts",
    touches: [touch("click", 5)],
    state: state(null),
    expect: ["counted", "click", 5],
  },
  {
    name: "min_minutes_per_conv null: one per user",
    touches: [touch("click", 5)],
    state: state(60 * 24 * 30),
    expect: ["repeat_user", "click", 5],
  },
  {
    name: "min_minutes_per_conv 0 counts every qualifying fire",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(0),
    expect: ["counted", "click", 5],
  },
  {
    name: "min_minutes_per_conv 30: 29 minutes after the last",
    pixel: { min_minutes_per_conv: 30 },
    touches: [touch("click", 50)],
    state: state(29),
    expect: ["repeat_interval", "click", 50],
  },
  {
    name: "min_minutes_per_conv 30: exactly 30 minutes after the last",
    pixel: { min_minutes_per_conv: 30 },
    touches: [touch("click", 50)],
    state: state(30),
    expect: ["counted", "click", 50],
  },
  {
    name: "an order_id already counted is not counted again, even with 0",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(10, { "A-1": 10 }),
    fire: { order_id: "A-1" },
    expect: ["duplicate_order", "click", 5],
  },
  {
    name: "an order_id counted exactly 90 days ago is still a repeat",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(90 * 24 * 60, { "A-1": 90 * 24 * 60 }),
    fire: { order_id: "A-1" },
    expect: ["duplicate_order", "click", 5],
  },
  {
    name: "an order_id counted 90 days and a minute ago counts again",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(90 * 24 * 60 + 1, { "A-1": 90 * 24 * 60 + 1 }),
    fire: { order_id: "A-1" },
    expect: ["counted", "click", 5],
  },
  {
    name: "another order_id counts",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(10, { "A-1": 10 }),
    fire: { order_id: "A-2" },
    expect: ["counted", "click", 5],
  },
  {
    name: "a new order_id does not lift one-per-user",
    touches: [touch("click", 5)],
    state: state(10, { "A-1": 10 }),
    fire: { order_id: "A-2" },
    expect: ["repeat_user", "click", 5],
  },
  {
    name: "an unattributed fire is never a repeat",
    touches: [touch("imp", 500)],
    state: state(1),
    expect: ["no_touch"],
  },

  // a click id's click (SPEC 12): one more candidate under the same rules
  {
    name: "click id: its click is credited with no stored touch at all",
    touches: [],
    fire: { click: touch("click", 30) },
    expect: ["counted", "click", 30],
  },
  {
    name: "click id: exactly at the post-click limit",
    pixel: { trigger_type: "click" },
    touches: [],
    fire: { click: touch("click", 120) },
    expect: ["counted", "click", 120],
  },
  {
    name: "click id: one minute past the post-click limit credits nothing",
    touches: [],
    fire: { click: touch("click", 121) },
    expect: ["no_touch"],
  },
  {
    name: "click id: past its window, a stored impression is credited instead",
    touches: [touch("imp", 10)],
    fire: { click: touch("click", 121) },
    expect: ["counted", "view", 10],
  },
  {
    name: "click id: a click after the fire does not qualify",
    touches: [],
    fire: { click: touch("click", -1) },
    expect: ["no_touch"],
  },
  {
    name: "click id: on a line item the pixel is not on",
    touches: [],
    fire: { click: touch("click", 5, { line_item_id: 999 }) },
    expect: ["no_touch"],
  },
  {
    name: "click id: of another advertiser",
    touches: [],
    fire: { click: touch("click", 5, { advertiser_id: 3 }) },
    expect: ["no_touch"],
  },
  {
    name: "click id: hybrid prefers it to a newer impression",
    touches: [touch("imp", 1)],
    fire: { click: touch("click", 100) },
    expect: ["counted", "click", 100],
  },
  {
    name: "click id: a view pixel ignores it",
    pixel: { trigger_type: "view" },
    touches: [touch("imp", 40)],
    fire: { click: touch("click", 5) },
    expect: ["counted", "view", 40],
  },
  {
    name: "click id: a newer stored click beats it",
    touches: [touch("click", 10)],
    fire: { click: touch("click", 50) },
    expect: ["counted", "click", 10],
  },
  {
    name: "click id: it beats an older stored click",
    touches: [touch("click", 50)],
    fire: { click: touch("click", 10) },
    expect: ["counted", "click", 10],
  },
  {
    name: "click id: an inactive pixel credits nothing",
    pixel: { state: "inactive" },
    touches: [],
    fire: { click: touch("click", 5) },
    expect: ["inactive_pixel"],
  },
  {
    name: "click id: the repeat rules apply to it",
    touches: [],
    state: state(60),
    fire: { click: touch("click", 5) },
    expect: ["repeat_user", "click", 5],
  },

  // event_id (SPEC 12): a browser fire and a server event count once within 48 hours
  {
    name: "an event_id counted 47 hours ago is not counted again, even with 0",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(47 * 60, {}, { "ev-1": 47 * 60 }),
    fire: { event_id: "ev-1" },
    expect: ["duplicate_event", "click", 5],
  },
  {
    name: "an event_id counted exactly 48 hours ago is still a duplicate",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(48 * 60, {}, { "ev-1": 48 * 60 }),
    fire: { event_id: "ev-1" },
    expect: ["duplicate_event", "click", 5],
  },
  {
    name: "an event_id counted 48 hours and a minute ago counts again",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(48 * 60 + 1, {}, { "ev-1": 48 * 60 + 1 }),
    fire: { event_id: "ev-1" },
    expect: ["counted", "click", 5],
  },
  {
    name: "an event_id counted later (a back-dated server event comes second) is a duplicate",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(-60, {}, { "ev-1": -60 }),
    fire: { event_id: "ev-1" },
    expect: ["duplicate_event", "click", 5],
  },
  {
    name: "another event_id counts",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(10, {}, { "ev-1": 10 }),
    fire: { event_id: "ev-2" },
    expect: ["counted", "click", 5],
  },
  {
    name: "a repeated event_id is named before a repeated order_id",
    pixel: { min_minutes_per_conv: 0 },
    touches: [touch("click", 5)],
    state: state(10, { "A-1": 10 }, { "ev-1": 10 }),
    fire: { event_id: "ev-1", order_id: "A-1" },
    expect: ["duplicate_event", "click", 5],
  },

  // revenue (SPEC 4.5)
  {
    name: "dynamic value wins",
    touches: [touch("click", 5)],
    fire: { value: 49.9 },
    expect: ["counted", "click", 5],
    revenue: 49.9,
  },
  {
    name: "post_click_value for a click",
    touches: [touch("click", 5)],
    expect: ["counted", "click", 5],
    revenue: 10,
  },
  {
    name: "post_view_value for a view",
    touches: [touch("imp", 5)],
    expect: ["counted", "view", 5],
    revenue: 1,
  },
  {
    name: "no value anywhere",
    pixel: { post_view_value: null },
    touches: [touch("imp", 5)],
    expect: ["counted", "view", 5],
    revenue: null,
  },
  {
    name: "a value of 0 is a value",
    pixel: { post_view_value: 5 },
    fire: { value: 0 },
    touches: [touch("imp", 5)],
    expect: ["counted", "view", 5],
    revenue: 0,
  },
];

describe("attribute(): the rules of SPEC section 4", () => {
  it.each(cases)("$name", (c) => {
    const decision = attribute({
      pixel: pixel(c.pixel),
      touches: c.touches,
      state: c.state ?? EMPTY_REPEAT_STATE,
      fire: fire(c.fire),
    });
    const [reason, type, minutesAgo] = c.expect;
    expect(decision.reason).toBe(reason);
    if (type === undefined) {
      expect(decision.attributed).toBe(false);
      return;
    }
    if (!decision.attributed) throw new Error("expected an attributed decision");
    expect(decision.credit.conversion_type).toBe(type);
    expect(decision.credit.touch.ts).toBe(T0 - (minutesAgo ?? 0) * MIN);
    if (c.revenue !== undefined && decision.counted) expect(decision.revenue).toBe(c.revenue);
  });

  it("picks the attached line item among equal-time touches", () => {
    const decision = attribute({
      pixel: pixel({
        line_items: [
          { id: 382, state: "active" },
          { id: 400, state: "active" },
        ],
      }),
      touches: [touch("click", 5), touch("click", 5, { line_item_id: 400 })],
      state: EMPTY_REPEAT_STATE,
      fire: fire(),
    });
    expect(decision.attributed && decision.credit.touch.line_item_id).toBe(400);
  });

  it("remembers the newest counted conversion, the order id and the event id", () => {
    const next = afterCounted(
      state(10, { "A-1": 10 }),
      fire({ order_id: "B-2", event_id: "ev-9" }),
    );
    expect(next.last_conversion_ts).toBe(T0);
    expect([...next.order_ids.keys()]).toEqual(["A-1", "B-2"]);
    expect(next.event_ids.get("ev-9")).toBe(T0);
    const replay = afterCounted(next, fire({ ts: T0 - DAY }));
    expect(replay.last_conversion_ts).toBe(T0);
  });
});
