import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { documentedRoute } from "../documented-route.js";
import { writeResponse } from "../envelope.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { documentObject } from "../openapi/answered-objects.js";
import { readObjects } from "../read-objects.js";
import { isAdmin, requireAdmin } from "../tenancy.js";
import { idList } from "./id-query.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

export const MEMBER_META: FieldMeta[] = [
  { name: "id", type: "int", sort_by: true, filter_by: true },
  { name: "name", type: "string", sort_by: true, filter_by: true },
  { name: "created_on", type: "timestamp", sort_by: true, filter_by: true },
  { name: "last_modified", type: "timestamp", sort_by: true, filter_by: true },
];

const MemberInput = z.object({ name: z.string().trim().min(1).max(255) }).strict();

/** `/member`: admins create and list members; a member's user sees its own member. */
export function mountMemberRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentObject("member", MemberInput);
  mountMetaRoute(api, "/member", MEMBER_META);
  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/member",
      tags: ["member"],
      request: { body: documentedBody("member", MemberInput) },
      responses: { 200: { description: "The new member" } },
    }),
    async (c) => {
      requireAdmin(c.var.user);
      const { values, warnings } = parseWrite(await jsonBody(c.req), "member", MemberInput, [
        "id",
        "created_on",
        "last_modified",
      ]);
      const id = await deps.stores.members.nextId();
      const member = { id, member_id: id, name: values.name, ...creationStamps(deps.clock()) };
      await deps.stores.members.put(member, null);
      return writeResponse(c, "member", publicMember(member), warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/member",
      tags: ["member"],
      responses: { 200: { description: "Members" } },
    }),
    async (c) => {
      const user = c.var.user;
      const ids = idList(c.req.query("id"));
      let members = isAdmin(user)
        ? await deps.stores.members.list(null)
        : await deps.stores.members.getMany([user.member_id]);
      if (ids) members = members.filter((m) => ids.includes(m.id));
      return readObjects(
        c,
        { one: "member", many: "members" },
        members.map(publicMember),
        MEMBER_META,
        new Set(["id"]),
        ids?.length === 1,
      );
    },
  );
}

function publicMember({
  member_id: _self,
  ...member
}: {
  id: number;
  member_id: number;
  name: string;
  created_on: string;
  last_modified: string;
}) {
  return member;
}
