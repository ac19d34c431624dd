import type { PixelFields } from "../../../pixels/pixel-document.js";
import { commonFields, defineObject } from "../define-object.js";
import { CONVERSION_EVENTS, PixelInput } from "../pixel-input.js";

/** A pixel as the API shows it: its own fields and what is derived from the other services. */
export interface ApiPixel extends PixelFields {
  /** The line items it is attached to (their own names and states), or null. */
  line_items: Array<{ id: number; name: string; state: "active" | "inactive" }> | null;
  /** The campaigns that count it, or null. */
  campaigns: Array<{ id: number }> | null;
  pixel_conversion_event: { id: number; name: string | null } | null;
}

const eventNames = Object.entries(CONVERSION_EVENTS)
  .map(([id, name]) => `WHEN ${Number(id)} THEN '${name.replace(/[^A-Za-z]/g, "")}'`)
  .join(" ");

const input = PixelInput.shape;

/**
 * `/pixel`: a conversion pixel of an advertiser (SPEC 6). Codes are unique per member (the edge
 * finds a pixel by `?code=&member=`); `line_items`, `campaigns` and `pixel_conversion_event` are
 * derived when read.
 */
export const pixelObject = defineObject<ApiPixel>()({
  term: "pixel",
  plural: "pixels",
  table: { table: "pixels", memberColumn: "member_id", codeParent: "member_id" },
  fields: {
    id: commonFields.id,
    code: { ...commonFields.code, input: input.code },
    name: { ...commonFields.name, input: input.name },
    state: commonFields.state,
    advertiser_id: { type: "int", column: "int", input: input.advertiser_id },
    member_id: { type: "int", column: "int" },
    trigger_type: { type: "enum", column: "text", input: input.trigger_type },
    min_minutes_per_conv: { type: "int", column: "int", input: input.min_minutes_per_conv },
    post_view_expire_mins: { type: "int", column: "int", input: input.post_view_expire_mins },
    post_click_expire_mins: { type: "int", column: "int", input: input.post_click_expire_mins },
    post_view_value: { type: "double", column: "numeric", input: input.post_view_value },
    post_click_value: { type: "double", column: "numeric", input: input.post_click_value },
    pixel_conversion_event_id: {
      type: "int",
      column: "int",
      input: input.pixel_conversion_event_id,
    },
    piggyback_pixels: { type: "array", column: "json", input: input.piggyback_pixels },
    pixel_conversion_event: {
      type: "object",
      derived: `CASE WHEN t.pixel_conversion_event_id IS NULL THEN NULL ELSE json_build_object(
        'id', t.pixel_conversion_event_id,
        'name', CASE t.pixel_conversion_event_id ${eventNames} END) END`,
    },
    line_items: {
      type: "array",
      derived: `SELECT json_agg(json_build_object('id', li.id, 'name', li.name, 'state', li.state)
          ORDER BY li.id)
        FROM line_item_pixels lp JOIN line_items li
          ON li.member_id = lp.member_id AND li.id = lp.line_item_id
        WHERE lp.member_id = t.member_id AND lp.pixel_id = t.id`,
    },
    campaigns: {
      type: "array",
      derived: `SELECT json_agg(json_build_object('id', cp.campaign_id) ORDER BY cp.campaign_id)
        FROM campaign_pixels cp WHERE cp.member_id = t.member_id AND cp.pixel_id = t.id`,
    },
    created_on: commonFields.created_on,
    last_modified: commonFields.last_modified,
  },
});
