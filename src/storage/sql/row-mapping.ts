import type { ConversionRow, FireLogRow } from "../../conversions/log-rows.js";
import { formatTimestamp } from "../../conversions/timestamps.js";

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const ms = (v: unknown): number | null =>
  v === null || v === undefined ? null : Math.round(Number(v));

/** A fires row (as event-store.ts selects it) as the fire log row the edge wrote. */
export function fireFromRow(r: Row): FireLogRow {
  return {
    id: String(r.id),
    ts: ms(r.ts) ?? 0,
    pixel_id: num(r.pixel_id),
    advertiser_id: num(r.advertiser_id),
    user_id: String(r.user_id),
    order_id: str(r.order_id),
    value: num(r.value),
    other: str(r.other),
    attributed: r.attributed === true,
    counted: r.counted === true,
    reason: String(r.reason) as FireLogRow["reason"],
    conversion_type: str(r.conversion_type) as FireLogRow["conversion_type"],
    line_item_id: num(r.line_item_id),
    campaign_id: num(r.campaign_id),
    creative_id: num(r.creative_id),
    imp_ts: ms(r.imp_ts),
  };
}

/** A conversions row as SPEC 4's conversion log row. */
export function conversionFromRow(r: Row): ConversionRow {
  return {
    id: String(r.id),
    pixel_id: Number(r.pixel_id),
    advertiser_id: Number(r.advertiser_id),
    user_id: String(r.user_id),
    conversion_time: formatTimestamp(ms(r.conversion_time) ?? 0),
    post_click_or_post_view_conv: r.conversion_type === "click" ? "click" : "view",
    line_item_id: Number(r.line_item_id),
    campaign_id: num(r.campaign_id),
    creative_id: num(r.creative_id),
    imp_time: formatTimestamp(ms(r.imp_time) ?? 0),
    order_id: str(r.order_id),
    external_data: str(r.other),
    post_click_or_post_view_revenue: num(r.revenue),
  };
}
