import { describe, expect, it } from "vitest";
import {
  MAX_POST_CLICK_MINS,
  MAX_POST_VIEW_MINS,
  MINUTE_MS,
} from "../../src/attribution/limits.js";
import { creditableLineItems, lookbackWindows } from "../../src/attribution/windows.js";
import { pixel } from "../attribution/fixtures.js";

describe("lookbackWindows", () => {
  it.each([
    [60, 120, 60, 120],
    [null, null, MAX_POST_VIEW_MINS, MAX_POST_CLICK_MINS],
    [0, 0, MAX_POST_VIEW_MINS, MAX_POST_CLICK_MINS],
    [MAX_POST_VIEW_MINS + 1, MAX_POST_CLICK_MINS * 2, MAX_POST_VIEW_MINS, MAX_POST_CLICK_MINS],
    [1, 1, 1, 1],
  ])(
    "view %j and click %j minutes look back %i and %i minutes",
    (view, click, viewMins, clickMins) => {
      expect(
        lookbackWindows(pixel({ post_view_expire_mins: view, post_click_expire_mins: click })),
      ).toEqual({ viewMs: viewMins * MINUTE_MS, clickMs: clickMins * MINUTE_MS });
    },
  );

  it("is worked out once per config object", () => {
    const config = pixel();
    expect(lookbackWindows(config)).toBe(lookbackWindows(config));
  });
});

describe("creditableLineItems", () => {
  it("are the attachments whose association is active", () => {
    const config = pixel({
      line_items: [
        { id: 1, state: "active" },
        { id: 2, state: "inactive" },
        { id: 3, state: "active" },
      ],
    });
    expect(creditableLineItems(config)).toEqual([1, 3]);
  });

  it.each([[null], [[]]])("none with line_items %j", (lineItems) => {
    expect(creditableLineItems(pixel({ line_items: lineItems }))).toEqual([]);
  });
});
