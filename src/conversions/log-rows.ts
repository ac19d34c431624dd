import type { Decision, DecisionReason, Fire } from "../attribution/types.js";
import type { EdgePixel } from "../pixels/pixel-document.js";
import { formatTimestamp } from "./timestamps.js";

/** A fire as accepted by the edge, before attribution. */
export interface AcceptedFire extends Fire {
  /** Unique per accepted request: the conversion id and the idempotency key. */
  id: string;
  /** The pixel id the browser asked for, when it named one by id. */
  requested_pixel_id: number | null;
  other: string | null;
}

/** One row of the fire log: every fire, attributed or not (SPEC section 2). */
export interface FireLogRow {
  id: string;
  /** Epoch ms. */
  ts: number;
  pixel_id: number | null;
  advertiser_id: number | null;
  user_id: string;
  order_id: string | null;
  value: number | null;
  other: string | null;
  attributed: boolean;
  counted: boolean;
  reason: DecisionReason | "unknown_pixel";
  conversion_type: "click" | "view" | null;
  line_item_id: number | null;
  campaign_id: number | null;
  creative_id: number | null;
  /** Time of the credited touch (epoch ms), for attributed fires. */
  imp_ts: number | null;
}

/** One row of the conversion log: a counted conversion (SPEC section 4). */
export interface ConversionRow {
  id: string;
  pixel_id: number;
  advertiser_id: number;
  user_id: string;
  conversion_time: string;
  post_click_or_post_view_conv: "click" | "view";
  line_item_id: number;
  campaign_id: number | null;
  creative_id: number | null;
  imp_time: string;
  order_id: string | null;
  external_data: string | null;
  post_click_or_post_view_revenue: number | null;
}

/** What the fire log keeps of a fire; the conversion log keeps the counted ones too. */
export interface FireLogEntry {
  fire: FireLogRow;
  /** The conversion's revenue when the fire was counted (SPEC 4.5), else null. */
  revenue: number | null;
}

/** The fire log row for a fire and its decision (`pixel` null when the pixel is unknown). */
export function fireLogRow(
  fire: AcceptedFire,
  pixel: EdgePixel | null,
  decision: Decision | null,
): FireLogRow {
  const credit = decision?.attributed ? decision.credit : null;
  return {
    id: fire.id,
    ts: fire.ts,
    pixel_id: pixel?.id ?? fire.requested_pixel_id,
    advertiser_id: pixel?.advertiser_id ?? null,
    user_id: fire.user_id,
    order_id: fire.order_id,
    value: fire.value,
    other: fire.other,
    attributed: decision?.attributed ?? false,
    counted: decision?.counted ?? false,
    reason: decision?.reason ?? "unknown_pixel",
    conversion_type: credit?.conversion_type ?? null,
    line_item_id: credit?.touch.line_item_id ?? null,
    campaign_id: credit?.touch.campaign_id ?? null,
    creative_id: credit?.touch.creative_id ?? null,
    imp_ts: credit?.touch.ts ?? null,
  };
}

/** The conversion log's view of a counted fire, in the shape SPEC section 4 lists. */
export function conversionRow({ fire, revenue }: FireLogEntry): ConversionRow {
  return {
    id: fire.id,
    pixel_id: fire.pixel_id ?? 0,
    advertiser_id: fire.advertiser_id ?? 0,
    user_id: fire.user_id,
    conversion_time: formatTimestamp(fire.ts),
    post_click_or_post_view_conv: fire.conversion_type ?? "view",
    line_item_id: fire.line_item_id ?? 0,
    campaign_id: fire.campaign_id,
    creative_id: fire.creative_id,
    imp_time: fire.imp_ts === null ? "" : formatTimestamp(fire.imp_ts),
    order_id: fire.order_id,
    external_data: fire.other,
    post_click_or_post_view_revenue: revenue,
  };
}
