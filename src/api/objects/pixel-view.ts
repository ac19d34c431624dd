import type { CampaignDocument, LineItemDocument } from "../../objects/documents.js";
import type { LegacyPixelFields, PixelDocument } from "../../pixels/pixel-document.js";
import type { FieldMeta } from "../list/list-query.js";
import { CONVERSION_EVENTS } from "./pixel-input.js";

/**
 * A pixel as the API shows it: `line_items` and `campaigns` derived from the line item and
 * campaign services (the line items' own names and states), and the conversion event's name.
 */
export function pixelView(
  pixel: PixelDocument,
  lineItems: readonly LineItemDocument[],
  campaigns: readonly CampaignDocument[],
) {
  const attached = lineItems.filter((li) => li.pixels.some((p) => p.id === pixel.id));
  const inCampaigns = campaigns.filter((cp) => cp.pixels.some((p) => p.id === pixel.id));
  const event = pixel.pixel_conversion_event_id;
  // What the edge reads is stored, not shown (and an older version's copies are ignored).
  const { attachments: _attachments, ...own } = pixel as PixelDocument & LegacyPixelFields;
  const { line_items: _lineItems, campaigns: _campaigns, ...fields } = own;
  return {
    ...fields,
    line_items: attached.length
      ? attached.map((li) => ({ id: li.id, name: li.name, state: li.state }))
      : null,
    campaigns: inCampaigns.length ? inCampaigns.map((cp) => ({ id: cp.id })) : null,
    pixel_conversion_event: event ? { id: event, name: CONVERSION_EVENTS[event] ?? null } : null,
  };
}

const field = (name: string, type: FieldMeta["type"], sort = true, filter = true): FieldMeta => ({
  name,
  type,
  sort_by: sort,
  filter_by: filter,
});

/** What `/pixel/meta` answers, and exactly what pixel lists honour. */
export const PIXEL_META: FieldMeta[] = [
  field("id", "int"),
  field("code", "string"),
  field("name", "string"),
  field("state", "enum"),
  field("advertiser_id", "int"),
  field("member_id", "int"),
  field("trigger_type", "enum"),
  field("min_minutes_per_conv", "int"),
  field("post_view_expire_mins", "int"),
  field("post_click_expire_mins", "int"),
  field("post_view_value", "double"),
  field("post_click_value", "double"),
  field("pixel_conversion_event_id", "int"),
  field("piggyback_pixels", "array", false, false),
  field("pixel_conversion_event", "object", false, false),
  field("line_items", "array", false, false),
  field("campaigns", "array", false, false),
  field("created_on", "timestamp"),
  field("last_modified", "timestamp"),
];
