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

/** A touch as the ad server reports it through `POST /events`; the test fails if refused. */
export async function postTouch(
  client: ApiClient,
  touch: {
    type: "imp" | "click";
    user_id: string;
    advertiser_id: number;
    line_item_id: number;
    campaign_id?: number;
    creative_id?: number;
    ts: number;
  },
): Promise<void> {
  const answer = await client.post("/events", { events: [touch] });
  if (answer.body.response?.count !== 1)
    throw new Error(`touch refused: ${JSON.stringify(answer.body)}`);
}

/** A browser's fire of `/px?query` (with the `uuid2` cookie of `user`), written before return. */
export async function fireFrom(
  edge: NodeRuntime,
  query: string,
  user: string | null,
): Promise<void> {
  const headers: Record<string, string> = user ? { Cookie: `uuid2=${user}` } : {};
  await edge.app.request(`https://px.example/px?${query}`, { headers });
  await edge.drain();
}
