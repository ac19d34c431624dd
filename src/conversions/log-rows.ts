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
  imp_time: string | null;
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
    imp_time: credit ? formatTimestamp(credit.touch.ts) : null,
  };
}

/** The conversion log row for a counted decision, else null. */
export function conversionRow(
  fire: AcceptedFire,
  pixel: EdgePixel,
  decision: Decision,
): ConversionRow | null {
  if (!decision.counted) return null;
  const { touch, conversion_type } = decision.credit;
  return {
    id: fire.id,
    pixel_id: pixel.id,
    advertiser_id: pixel.advertiser_id,
    user_id: fire.user_id,
    conversion_time: formatTimestamp(fire.ts),
    post_click_or_post_view_conv: conversion_type,
    line_item_id: touch.line_item_id,
    campaign_id: touch.campaign_id,
    creative_id: touch.creative_id,
    imp_time: formatTimestamp(touch.ts),
    order_id: fire.order_id,
    external_data: fire.other,
    post_click_or_post_view_revenue: decision.revenue,
  };
}
