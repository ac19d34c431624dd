import type { Context } from "hono";
import type { UserDocument } from "../objects/documents.js";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { notFound, syntaxError, unauthorized } from "./api-error.js";

export const isAdmin = (user: UserDocument) => user.user_type === "admin";

/**
 * The member a request acts for: a member user's own member (whatever `member_id` says), or
 * for an admin the `member_id` of the query (null when none is named: every member's objects).
 */
export async function actingMember(c: Context<ApiEnv>, deps: ApiDeps): Promise<number | null> {
  const user = c.var.user;
  if (!isAdmin(user)) return user.member_id;
  const raw = c.req.query("member_id");
  if (raw === undefined || raw === "") return null;
  if (!/^\d{1,9}$/.test(raw)) throw syntaxError("member_id", "must be a member id");
  if (!(await deps.stores.members.get(Number(raw)))) throw notFound(`member ${raw}`);
  return Number(raw);
}

/** Like actingMember, but a write must know its member. */
export async function writingMember(c: Context<ApiEnv>, deps: ApiDeps): Promise<number> {
  const member = await actingMember(c, deps);
  if (member === null) throw syntaxError("member_id", "an admin must name the member to act for");
  return member;
}

/** Whether an object is visible to the request: anything else answers as if it did not exist. */
export function visible(object: { member_id: number } | null, member: number | null): boolean {
  return object !== null && (member === null || object.member_id === member);
}

export function requireAdmin(user: UserDocument): void {
  if (!isAdmin(user)) throw unauthorized("Only a system admin may do this");
}
