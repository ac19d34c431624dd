import { z } from "@hono/zod-openapi";
import type { LineItemDocument } from "../../../objects/documents.js";
import { moneyField, objectIdField } from "../../field-schemas.js";
import { commonFields, defineObject } from "../define-object.js";

/** A line item may carry at most this many conversion pixels. */
export const MAX_LINE_ITEM_PIXELS = 20;

/**
 * `/line-item`: an advertiser's line item and the conversion pixels attached to it (rows of
 * `line_item_pixels`, which only take pixels of the same advertiser); codes unique per advertiser.
 */
export const lineItemObject = defineObject<LineItemDocument>()({
  term: "line-item",
  plural: "line-items",
  table: { table: "line_items", memberColumn: "member_id", codeParent: "advertiser_id" },
  fields: {
    id: commonFields.id,
    code: commonFields.code,
    name: commonFields.name,
    state: commonFields.state,
    advertiser_id: { type: "int", column: "int", input: objectIdField() },
    member_id: { type: "int", column: "int" },
    pixels: {
      type: "array",
      child: {
        table: "line_item_pixels",
        parentKey: "line_item_id",
        key: "id",
        inherited: ["member_id", "advertiser_id"],
        fields: {
          id: { column: "pixel_id", kind: "int" },
          state: { column: "state", kind: "text" },
          post_click_revenue: { column: "post_click_revenue", kind: "numeric" },
          post_view_revenue: { column: "post_view_revenue", kind: "numeric" },
        },
      },
      input: z
        .array(
          z
            .object({
              id: objectIdField(),
              state: z.enum(["active", "inactive"]).default("active"),
              post_click_revenue: moneyField().nullable().default(null),
              post_view_revenue: moneyField().nullable().default(null),
            })
            .strict(),
        )
        .nullable(),
    },
    created_on: commonFields.created_on,
    last_modified: commonFields.last_modified,
  },
});
