import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { documentedRoute } from "../documented-route.js";
import { writeResponse } from "../envelope.js";
import { mountMetaRoute } from "../meta-route.js";
import { documentObject } from "../openapi/answered-objects.js";
import { readObjectPage } from "../read-objects.js";
import { isAdmin, requireAdmin } from "../tenancy.js";
import { memberObject } from "./definitions/member.js";
import { idList } from "./id-query.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

export const MEMBER_META = memberObject.meta;
const MemberInput = memberObject.input;

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
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        "member",
        MemberInput.required({ name: true }),
        memberObject.readOnly,
      );
      const member = await deps.stores.members.create({
        member_id: 0,
        name: values.name,
        ...creationStamps(deps.clock()),
      });
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
      // A member's user sees its own member only.
      const scope = { member: isAdmin(user) ? null : user.member_id, ...(ids ? { ids } : {}) };
      return readObjectPage(
        c,
        { one: "member", many: "members" },
        deps.stores.members,
        scope,
        MEMBER_META,
        new Set(["id"]),
        ids?.length === 1,
        publicMember,
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
