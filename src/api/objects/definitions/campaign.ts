import { z } from "@hono/zod-openapi";
import type { CampaignDocument } from "../../../objects/documents.js";
import { objectIdField } from "../../field-schemas.js";
import { commonFields, defineObject } from "../define-object.js";

/**
 * `/campaign`: a line item's campaign; its pixels (rows of `campaign_pixels`) must be, and stay,
 * attached to that line item. Codes unique per advertiser.
 */
export const campaignObject = defineObject<CampaignDocument>()({
  term: "campaign",
  plural: "campaigns",
  table: { table: "campaigns", memberColumn: "member_id", codeParent: "advertiser_id" },
  fields: {
    id: commonFields.id,
    code: commonFields.code,
    name: commonFields.name,
    state: commonFields.state,
    advertiser_id: { type: "int", column: "int", input: objectIdField() },
    member_id: { type: "int", column: "int" },
    line_item_id: { type: "int", column: "int", input: objectIdField() },
    pixels: {
      type: "array",
      child: {
        table: "campaign_pixels",
        parentKey: "campaign_id",
        key: "id",
        inherited: ["member_id", "line_item_id"],
        fields: {
          id: { column: "pixel_id", kind: "int" },
          state: { column: "state", kind: "text" },
        },
      },
      input: z
        .array(
          z
            .object({
              id: objectIdField(),
              state: z.enum(["active", "inactive"]).default("active"),
            })
            .strict(),
        )
        .max(20)
        .nullable(),
    },
    created_on: commonFields.created_on,
    last_modified: commonFields.last_modified,
  },
});
