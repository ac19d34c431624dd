import type { MemberDocument } from "../../../objects/documents.js";
import { commonFields, defineObject } from "../define-object.js";

/** `/member`: a tenant. Members own advertisers; ids never reused. */
export const memberObject = defineObject<MemberDocument>()({
  term: "member",
  plural: "members",
  table: { table: "members", memberColumn: "id", codeParent: null },
  fields: {
    id: commonFields.id,
    name: commonFields.name,
    created_on: commonFields.created_on,
    last_modified: commonFields.last_modified,
  },
});
