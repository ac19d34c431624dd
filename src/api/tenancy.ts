import type { Context } from "hono";
import type { UserDocument } from "../objects/documents.js";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEnv } from "./api-env.js";
import { notFound, syntaxError, unauthorized } from "./api-error.js";

export const isAdmin = (user: UserDocument) => user.user_type === "admin";

/** The one advertiser an advertiser user sees, or null for member users and admins. */
export const boundAdvertiser = (user: UserDocument): number | null =>
  user.user_type === "advertiser" ? (user.advertiser_id ?? -1) : null;

/** What an advertiser user may call: its advertiser's reports and conversions (and logout). */
const ADVERTISER_USER_PATHS = new Set([
  "/report",
  "/report-download",
  "/report/pixel",
  "/conversion",
  "/conversion/meta",
]);

/** Refuses an advertiser user anything but its reports (Xandr's advertiser users). */
export function requireMemberUnlessReport(user: UserDocument, path: string, method: string): void {
  if (user.user_type !== "advertiser") return;
  if (ADVERTISER_USER_PATHS.has(path) && (method === "GET" || path === "/report")) return;
  if (path === "/auth" && method === "DELETE") return;
  throw unauthorized("An advertiser user may only read its advertiser's reports");
}

/**
 * The member a request acts for, which `member_id=` in the query selects: for a member user
 * only its own member; for an admin any member (null when none is named: every member).
 */
export async function actingMember(c: Context<ApiEnv>, deps: ApiDeps): Promise<number | null> {
  const user = c.var.user;
  const raw = c.req.query("member_id");
  const named = raw === undefined || raw === "" ? null : raw;
  if (named !== null && !/^\d{1,9}$/.test(named))
    throw syntaxError("member_id", "must be a member id");
  if (!isAdmin(user)) {
    // Another member answers exactly like a member that does not exist.
    if (named !== null && Number(named) !== user.member_id) throw notFound(`member ${named}`);
    return user.member_id;
  }
  if (named === null) return null;
  if (!(await deps.stores.members.get(Number(named)))) throw notFound(`member ${named}`);
  return Number(named);
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
