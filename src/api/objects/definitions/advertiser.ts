import { z } from "@hono/zod-openapi";
import type { AdvertiserDocument } from "../../../objects/documents.js";
import { commonFields, defineObject } from "../define-object.js";

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a host name such as shop.example.com",
  );

/** `/advertiser`: a member's advertiser; codes unique per member. */
export const advertiserObject = defineObject<AdvertiserDocument>()({
  term: "advertiser",
  plural: "advertisers",
  table: { table: "advertisers", memberColumn: "member_id", codeParent: "member_id" },
  fields: {
    id: commonFields.id,
    code: commonFields.code,
    name: commonFields.name,
    state: commonFields.state,
    member_id: { type: "int", column: "int" },
    redirect_domains: {
      type: "array",
      column: "text[]",
      input: z.array(hostname).max(100).nullable(),
    },
    /** A signed /click appends `pxclid=<click id>` to its landing URL (SPEC 12). */
    append_click_id: {
      type: "boolean",
      sort: false,
      filter: false,
      column: "boolean",
      input: z.boolean(),
    },
    created_on: commonFields.created_on,
    last_modified: commonFields.last_modified,
  },
});
