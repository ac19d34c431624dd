import { ensureAdmin } from "../../src/api/objects/users.js";
import type { NodeRuntime } from "../../src/node/node-runtime.js";
import { ADMIN, ApiClient } from "./api-client.js";

/** The system admin (created when missing), logged in. */
async function loggedInAdmin(edge: NodeRuntime): Promise<ApiClient> {
  await ensureAdmin(edge.api, ADMIN, () => {});
  const admin = new ApiClient(edge.app);
  await admin.login(ADMIN.username, ADMIN.password);
  return admin;
}

/**
 * Two members, each with one user, logged in: `a` and `b` act for members `memberA` and
 * `memberB`; `admin` is a system admin.
 */
export async function twoMembers(edge: NodeRuntime) {
  const admin = await loggedInAdmin(edge);
  const memberA = (await admin.post("/member", { member: { name: "Member A" } })).body.response
    .id as number;
  const memberB = (await admin.post("/member", { member: { name: "Member B" } })).body.response
    .id as number;
  const clients: ApiClient[] = [];
  for (const [name, member] of [
    ["alice", memberA],
    ["bob", memberB],
  ] as const) {
    const password = `${name} has a long password`;
    await admin.post("/user", {
      user: { username: name, password, user_type: "member", member_id: member },
    });
    const client = new ApiClient(edge.app);
    await client.login(name, password);
    clients.push(client);
  }
  const [a, b] = clients as [ApiClient, ApiClient];
  return { admin, a, b, memberA, memberB };
}

/** A logged-in system admin, one member and one advertiser of that member. */
export async function adminWithAdvertiser(edge: NodeRuntime) {
  const admin = await loggedInAdmin(edge);
  const member = (await admin.post("/member", { member: { name: "M" } })).body.response
    .id as number;
  const advertiser = (
    await admin.post(`/advertiser?member_id=${member}`, { advertiser: { name: "A" } })
  ).body.response.id as number;
  return { admin, member, advertiser };
}
