import type { UserDocument } from "../../../objects/documents.js";
import { commonFields, defineObject } from "../define-object.js";

/**
 * `/user`: a system admin (no member) or a member's user; an advertiser user sees one
 * advertiser's reports. Usernames are unique across the service whatever their case. What a
 * client writes is checked by the user routes (a password is no stored field).
 */
export const userObject = defineObject<UserDocument>()({
  term: "user",
  plural: "users",
  table: {
    table: "users",
    memberColumn: "member_id",
    codeParent: null,
    codeColumn: "username",
    codeIgnoresCase: true,
    zeroIsNull: ["member_id"],
    omittedWhenNull: ["advertiser_id"],
  },
  fields: {
    id: commonFields.id,
    username: { type: "string", column: "text" },
    password_hash: { type: "string", column: "text", hidden: true },
    user_type: { type: "enum", column: "text" },
    member_id: { type: "int", column: "int" },
    advertiser_id: { type: "int", column: "int" },
    state: { type: "enum", column: "text" },
    created_on: commonFields.created_on,
    last_modified: commonFields.last_modified,
  },
});
