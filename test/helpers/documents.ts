import type { Touch } from "../../src/attribution/types.js";
import type { AdvertiserDocument, LineItemDocument } from "../../src/objects/documents.js";
import { edgeConfig } from "../../src/pixels/edge-config.js";
import type { EdgePixel, PixelFields } from "../../src/pixels/pixel-document.js";

// The tests' one set of fixtures: advertiser 2 of member 1 with pixel 37 on line item 382.
// Every other shape (an edge config, the attribution tables' rules and touches) is built
// from these (an edge config through src/pixels/edge-config.ts, as storing them would), so a
// default is written once.

export function advertiserDocument(
  overrides: Partial<AdvertiserDocument> = {},
): AdvertiserDocument {
  return {
    id: 2,
    code: null,
    name: "ProStarr",
    state: "active",
    member_id: 1,
    redirect_domains: ["shop.example"],
    created_on: "2026-11-01 00:00:00",
    last_modified: "2026-11-01 00:00:00",
    ...overrides,
  };
}

/** Pixel 37's own fields; it is attached to line item 382 by `lineItemDocument`. */
export function pixelDocument(overrides: Partial<PixelFields> = {}): PixelFields {
  return {
    id: 37,
    code: "thanks",
    name: "Thank-you page",
    state: "active",
    member_id: 1,
    advertiser_id: 2,
    trigger_type: "hybrid",
    min_minutes_per_conv: null,
    post_view_expire_mins: 1440,
    post_click_expire_mins: 20160,
    post_view_value: 1,
    post_click_value: 10,
    piggyback_pixels: null,
    pixel_conversion_event_id: null,
    created_on: "2026-11-01 00:00:00",
    last_modified: "2026-11-01 00:00:00",
    ...overrides,
  };
}

/** Line item 382 of advertiser 2, with pixel 37 attached (active), or the pixels given. */
export function lineItemDocument(overrides: Partial<LineItemDocument> = {}): LineItemDocument {
  return {
    id: 382,
    code: null,
    name: "Line Item",
    state: "active",
    advertiser_id: 2,
    member_id: 1,
    pixels: [attachedPixel(37)],
    created_on: "2026-11-01 00:00:00",
    last_modified: "2026-11-01 00:00:00",
    ...overrides,
  };
}

/** A line item's `pixels[]` entry: an active attachment with no revenue of its own. */
export function attachedPixel(id: number): LineItemDocument["pixels"][number] {
  return { id, state: "active", post_click_revenue: null, post_view_revenue: null };
}

/** Pixel 37's edge config (as the cache and Workers KV hold it), with overrides. */
export function edgePixel(overrides: Partial<EdgePixel> = {}): EdgePixel {
  return {
    ...edgeConfig(pixelDocument(), [lineItemDocument()], advertiserDocument()),
    ...overrides,
  };
}

/** A touch of user `user_id` on line item 382 of advertiser 2 (campaign 1, creative 1). */
export function touchOf(
  type: Touch["type"],
  user_id: string,
  ts: number,
  overrides: Partial<Touch> = {},
): Touch {
  return {
    type,
    user_id,
    advertiser_id: 2,
    line_item_id: 382,
    campaign_id: 1,
    creative_id: 1,
    ts,
    ...overrides,
  };
}
