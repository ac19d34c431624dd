import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

// Xandr's advertiser users: a member's user bound to one advertiser, who reads that
// advertiser's reports and nothing else.
const fixture = useNodeEdge(undefined, { resetBeforeEach: false });

let alice: ApiClient;
let bob: ApiClient;
let xavier: ApiClient;
let x: number;
let y: number;
let xPixel: number;
let yPixel: number;

beforeAll(async () => {
  const m = await twoMembers(fixture.edge);
  alice = m.a;
  bob = m.b;
  const id = (r: { body: { response: { id: number } } }) => r.body.response.id;
  x = id(await alice.post("/advertiser", { advertiser: { name: "X" } }));
  y = id(await alice.post("/advertiser", { advertiser: { name: "Y" } }));
  xPixel = id(await alice.post(`/pixel?advertiser_id=${x}`, { pixel: { name: "X pixel" } }));
  yPixel = id(await alice.post(`/pixel?advertiser_id=${y}`, { pixel: { name: "Y pixel" } }));
  for (const pixel of [xPixel, yPixel, yPixel])
    await fixture.edge.app.request(`https://px.example/px?id=${pixel}`);
  await fixture.edge.drain();
  const created = await alice.post("/user", {
    user: {
      username: "xavier",
      password: "xavier has a long password",
      user_type: "advertiser",
      advertiser_id: x,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  expect(created.body.response.user).toMatchObject({ user_type: "advertiser", advertiser_id: x });
  xavier = new ApiClient(fixture.edge.app);
  expect((await xavier.login("xavier", "xavier has a long password")).status).toBe(200);
});

async function ready(client: ApiClient, report: Record<string, unknown>, query = "") {
  const posted = await client.post(`/report${query}`, { report });
  expect(posted.status, JSON.stringify(posted.body)).toBe(200);
  const id = posted.body.response.report_id as string;
  for (let i = 0; i < 200; i++) {
    const polled = (await client.get(`/report?id=${id}`)).body.response;
    if (polled.execution_status === "ready") return { id, data: polled.report.data as string };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("not ready");
}

describe("an advertiser user", () => {
  it("reads only its advertiser's reports", async () => {
    const network = await ready(xavier, {
      report_type: "network_analytics",
      columns: ["advertiser_name", "pixel_id", "fires"],
      report_interval: "today",
    });
    expect(network.data).toBe(`advertiser_name,pixel_id,fires\r\nX,${xPixel},1\r\n`);
    // Its advertiser is implied for an advertiser's report; it cannot name another one.
    const attributed = {
      report_type: "attributed_conversions",
      columns: ["pixel_id", "post_click_or_post_view_revenue"],
      report_interval: "today",
    };
    await ready(xavier, attributed);
    expect((await xavier.post(`/report?advertiser_id=${y}`, { report: attributed })).status).toBe(
      404,
    );
    const filtered = await ready(xavier, {
      report_type: "network_analytics",
      columns: ["pixel_id", "fires"],
      filters: [{ pixel_id: yPixel }],
      report_interval: "today",
    });
    expect(filtered.data).toBe("pixel_id,fires\r\n");
    const perPixel = await xavier.get("/report/pixel");
    expect(perPixel.status).toBe(200);
    expect(
      new Set(perPixel.body.response.report.rows.map((r: { pixel_id: number }) => r.pixel_id)),
    ).toEqual(new Set([xPixel]));
    expect((await xavier.get(`/report/pixel?pixel_id=${yPixel}`)).status).toBe(404);
    expect((await xavier.get(`/report/pixel?advertiser_id=${y}`)).status).toBe(404);
    expect((await xavier.get(`/conversion?advertiser_id=${y}`)).status).toBe(404);
    expect((await xavier.get("/conversion")).status).toBe(200);
  });

  it("cannot see the member's other reports, or its objects", async () => {
    const theirs = await ready(alice, {
      report_type: "network_analytics",
      columns: ["pixel_id", "fires"],
      report_interval: "today",
    });
    expect(theirs.data).toBe(`pixel_id,fires\r\n${xPixel},1\r\n${yPixel},2\r\n`);
    expect((await xavier.get(`/report?id=${theirs.id}`)).status).toBe(404);
    for (const path of ["/pixel", "/advertiser", "/line-item", "/user", "/member"]) {
      const answer = await xavier.get(path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.response.error_id).toBe("UNAUTH");
    }
    expect((await xavier.post("/advertiser", { advertiser: { name: "Mine now" } })).status).toBe(
      403,
    );
  });

  it("is made only for an advertiser of the member", async () => {
    const foreign = await bob.post("/user", {
      user: {
        username: "mallory",
        password: "mallory has a long password",
        user_type: "advertiser",
        advertiser_id: x,
      },
    });
    expect(foreign.status).toBe(404);
    const memberWithAdvertiser = await alice.post("/user", {
      user: {
        username: "mona",
        password: "mona has a long password",
        user_type: "member",
        advertiser_id: x,
      },
    });
    expect(memberWithAdvertiser.body.response.error).toMatch(/^user\.advertiser_id: /);
    const without = await alice.post("/user", {
      user: { username: "ann", password: "ann has a long password", user_type: "advertiser" },
    });
    expect(without.body.response.error).toMatch(/^user\.advertiser_id: /);
  });
});
