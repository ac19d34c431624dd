import { describe, expect, it } from "vitest";
import { conversionFromRow, fireFromRow } from "../../src/storage/sql/row-mapping.js";

const TS = Date.UTC(2026, 10, 28, 12, 0, 0);

describe("fireFromRow", () => {
  it("reads back a row as PostgreSQL's drivers give it (bigints and numerics as text)", () => {
    expect(
      fireFromRow({
        id: "3f1c9a0b-77d2-e415-0000-00000000002a",
        ts: String(TS),
        pixel_id: "37",
        advertiser_id: 2,
        user_id: 555,
        order_id: "A-1",
        value: "49.90",
        other: null,
        attributed: true,
        counted: true,
        reason: "counted",
        conversion_type: "click",
        line_item_id: "382",
        campaign_id: null,
        creative_id: undefined,
        imp_ts: `${TS - 60_000}.4`,
      }),
    ).toEqual({
      id: "3f1c9a0b-77d2-e415-0000-00000000002a",
      ts: TS,
      pixel_id: 37,
      advertiser_id: 2,
      user_id: "555",
      order_id: "A-1",
      value: 49.9,
      other: null,
      attributed: true,
      counted: true,
      reason: "counted",
      conversion_type: "click",
      line_item_id: 382,
      campaign_id: null,
      creative_id: null,
      imp_ts: TS - 60_000,
    });
  });

  it("an unknown pixel's fire keeps its nulls; only true is true", () => {
    const fire = fireFromRow({
      id: "x",
      ts: TS,
      pixel_id: null,
      user_id: "0",
      attributed: "t",
      counted: 1,
      reason: "unknown_pixel",
    });
    expect(fire).toMatchObject({
      pixel_id: null,
      advertiser_id: null,
      attributed: false,
      counted: false,
      conversion_type: null,
      imp_ts: null,
    });
  });
});

describe("conversionFromRow", () => {
  it("gives SPEC 4's conversion log row, times as AppNexus timestamps", () => {
    expect(
      conversionFromRow({
        id: "c1",
        pixel_id: "37",
        advertiser_id: "2",
        user_id: "555",
        conversion_time: TS,
        conversion_type: "view",
        line_item_id: 382,
        campaign_id: "17607",
        creative_id: null,
        imp_time: TS - 3_600_000,
        order_id: null,
        other: "basket=3",
        revenue: "1.5",
      }),
    ).toEqual({
      id: "c1",
      pixel_id: 37,
      advertiser_id: 2,
      user_id: "555",
      conversion_time: "2026-11-28 12:00:00",
      post_click_or_post_view_conv: "view",
      line_item_id: 382,
      campaign_id: 17607,
      creative_id: null,
      imp_time: "2026-11-28 11:00:00",
      order_id: null,
      external_data: "basket=3",
      post_click_or_post_view_revenue: 1.5,
    });
  });

  it("anything but click is a post-view conversion", () => {
    expect(conversionFromRow({ conversion_type: "click" }).post_click_or_post_view_conv).toBe(
      "click",
    );
    expect(conversionFromRow({ conversion_type: null }).post_click_or_post_view_conv).toBe("view");
  });
});
