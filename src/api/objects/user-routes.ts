import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { notFound, syntaxError, unauthorized } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { writeResponse } from "../envelope.js";
import { objectIdField } from "../field-schemas.js";
import { mountMetaRoute } from "../meta-route.js";
import { documentObject } from "../openapi/answered-objects.js";
import { readObjectPage } from "../read-objects.js";
import { actingMember, isAdmin, visible } from "../tenancy.js";
import { userObject } from "./definitions/user.js";
import { idList, oneId } from "./id-query.js";
import { createUser, publicUser, updateUser } from "./users.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

export const USER_META = userObject.meta;

const UserInput = z
  .object({
    username: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w.@+-]+$/, "letters, digits and . _ @ + - only"),
    password: z.string().min(12, "at least 12 characters").max(200),
    user_type: z.enum(["admin", "member", "advertiser"]).default("member"),
    member_id: objectIdField().nullable().optional(),
    /** An advertiser user's advertiser: the user reads its reports and nothing else. */
    advertiser_id: objectIdField().optional(),
  })
  .strict();

/** What `PUT /user` changes; the rest is read-only there (ignored with a warning). */
const UserUpdate = z
  .object({
    password: UserInput.shape.password.optional(),
    state: z.enum(["active", "inactive"]).optional(),
  })
  .strict();
const UPDATE_READ_ONLY = [
  "id",
  "username",
  "user_type",
  "member_id",
  "advertiser_id",
  "created_on",
  "last_modified",
];

/**
 * `/user`: admins create and change any user; a member's users create and see users of their
 * member (member users, and advertiser users bound to one of its advertisers) and change their
 * own password. Only an admin enables or disables a user.
 */
export function mountUserRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentObject("user", UserInput.omit({ password: true }));
  mountMetaRoute(api, "/user", USER_META);
  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/user",
      tags: ["user"],
      request: { body: documentedBody("user", UserInput) },
      responses: { 200: { description: "The new user" } },
    }),
    async (c) => {
      const { values: input, warnings } = parseWrite(await jsonBody(c.req), "user", UserInput, [
        "id",
        "created_on",
        "last_modified",
      ]);
      const me = c.var.user;
      if (!isAdmin(me) && input.user_type === "admin")
        throw unauthorized("Only a system admin may create admins");
      const memberId = isAdmin(me) ? (input.member_id ?? 0) : me.member_id;
      if (input.user_type !== "admin") {
        if (!memberId) throw syntaxError("member_id", "a member user needs a member_id");
        if (!(await deps.stores.members.get(memberId))) throw notFound(`member ${memberId}`);
      }
      if (input.user_type === "advertiser") {
        if (!input.advertiser_id)
          throw syntaxError("user.advertiser_id", "an advertiser user needs its advertiser_id");
        const advertiser = await deps.stores.advertisers.get(input.advertiser_id);
        if (!visible(advertiser, memberId)) throw notFound("advertiser");
      } else if (input.advertiser_id !== undefined)
        throw syntaxError("user.advertiser_id", 'only for user_type "advertiser"');
      const user = await createUser(deps, { ...input, member_id: memberId });
      return writeResponse(c, "user", publicUser(user), warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/user",
      tags: ["user"],
      responses: { 200: { description: "Users" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const ids = idList(c.req.query("id"));
      const consumed = new Set(["id", "member_id"]);
      return readObjectPage(
        c,
        { one: "user", many: "users" },
        deps.stores.users,
        { member, ...(ids ? { ids } : {}) },
        USER_META,
        consumed,
        ids?.length === 1,
        publicUser,
      );
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "put",
      path: "/user",
      tags: ["user"],
      request: { body: documentedBody("user", UserUpdate) },
      responses: { 200: { description: "The user as it now stands" } },
    }),
    async (c) => {
      const body = await jsonBody(c.req);
      const { values, warnings } = parseWrite(body, "user", UserUpdate, UPDATE_READ_ONLY);
      const me = c.var.user;
      const member = await actingMember(c, deps);
      const bodyId = (body as { user?: { id?: unknown } }).user?.id;
      const id = oneId(c.req.query("id"), "id") ?? (typeof bodyId === "number" ? bodyId : null);
      if (id === null) throw syntaxError("id", "name the user with id");
      const previous = await deps.stores.users.get(id);
      if (!previous || !visible(previous, member)) throw notFound("user");
      if (!isAdmin(me) && previous.id !== me.id)
        throw unauthorized("A member user may change only its own password");
      if (!isAdmin(me) && values.state !== undefined)
        throw unauthorized("Only a system admin may enable or disable users");
      if (previous.id === me.id && values.state === "inactive")
        throw syntaxError("user.state", "you cannot disable yourself");
      const user = await updateUser(deps, previous, values);
      return writeResponse(c, "user", publicUser(user), warnings);
    },
  );
}
