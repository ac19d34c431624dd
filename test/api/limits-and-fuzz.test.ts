import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdmin } from "../../src/api/objects/users.js";
import { ADMIN, ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { startNodeEdge, useNodeEdge } from "../helpers/node-edge.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

const fixture = useNodeEdge();

describe("rate limits", () => {
  let redis: TestRedis;
  let edge: Awaited<ReturnType<typeof startNodeEdge>>;
  beforeAll(async () => {
    redis = await startTestRedis();
    edge = await startNodeEdge(redis.url, { RATE_LIMIT_WRITE: "3", RATE_LIMIT_READ: "5" });
  });
  afterAll(async () => {
    await edge?.close();
    await redis?.stop();
  });

  it("counts reads and writes per member, says so in headers, and answers 429 past the limit", async () => {
    await ensureAdmin(edge.api, ADMIN, () => {});
    const admin = new ApiClient(edge.app);
    await admin.login(ADMIN.username, ADMIN.password);
    const first = await admin.get("/member");
    expect(first.headers.get("x-ratelimit-read")).toBe("5");
    expect(first.headers.get("x-ratelimit-write")).toBe("3");
    expect(first.headers.get("x-count-read")).toBe("1");
    for (let i = 0; i < 3; i++)
      expect((await admin.post("/member", { member: { name: `M${i}` } })).status).toBe(200);
    const refused = await admin.post("/member", { member: { name: "one too many" } });
    expect(refused.status).toBe(429);
    expect(refused.body.response).toMatchObject({
      status: "error",
      error_id: "SYSTEM",
      error_code: "RATE_EXCEEDED",
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("x-count-write")).toBe("4");
    expect((await admin.get("/member")).status).toBe(200); // reads have their own budget
  });

  it("counts an advertiser user's requests per advertiser, apart from its member's", async () => {
    // A fresh minute's counters: the test above spent the admin's writes.
    await redis.client.flushdb();
    await ensureAdmin(edge.api, ADMIN, () => {});
    const admin = new ApiClient(edge.app);
    await admin.login(ADMIN.username, ADMIN.password);
    const member = (await admin.post("/member", { member: { name: "Reports" } })).body.response.id;
    const alice = { username: "alice-r", password: "alice has a long password" };
    await admin.post("/user", { user: { ...alice, user_type: "member", member_id: member } });
    const owner = new ApiClient(edge.app);
    await owner.login(alice.username, alice.password);
    // Two of the member's three writes a minute.
    const advertiser = (await owner.post("/advertiser", { advertiser: { name: "X" } })).body
      .response.id;
    const xavier = { username: "xavier-r", password: "xavier has a long password" };
    const created = await owner.post("/user", {
      user: { ...xavier, user_type: "advertiser", advertiser_id: advertiser },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const reader = new ApiClient(edge.app);
    await reader.login(xavier.username, xavier.password);
    const report = {
      report_type: "network_analytics",
      columns: ["fires"],
      report_interval: "today",
    };
    const reports = [];
    for (let i = 0; i < 4; i++) reports.push((await reader.post("/report", { report })).status);
    // The advertiser's own three, then its own 429; the member's writes are untouched.
    expect(reports).toEqual([200, 200, 200, 429]);
    const own = await owner.post("/advertiser", { advertiser: { name: "Y" } });
    expect(own.status).toBe(200);
    expect(own.headers.get("x-count-write")).toBe("3");
  });
});

describe("bad input never gets a 5xx", () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constantFrom("active", "img", "js", "https://a.example/", 2, -1, 1e308, "", "__proto__"),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(
        fc.constantFrom(
          "name",
          "code",
          "state",
          "pixels",
          "piggyback_pixels",
          "url",
          "pixel_type",
          "id",
          "advertiser_id",
          "line_item_id",
          "trigger_type",
          "post_view_expire_mins",
          "min_minutes_per_conv",
          "redirect_domains",
          "__proto__",
          "constructor",
          "events",
          "type",
          "user_id",
          "ts",
          "username",
          "password",
          "user_type",
          "member_id",
        ),
        tie("value"),
        { maxKeys: 6 },
      ),
    ),
  })).value;

  it("answers random JSON at every write endpoint with the envelope, never a 5xx", async () => {
    const { a, admin } = await twoMembers(fixture.edge);
    const advertiser = (await a.post("/advertiser", { advertiser: { name: "A" } })).body.response
      .id;
    const pixel = (await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "P" } }))
      .body.response.id;
    const lineItem = (
      await a.post(`/line-item?advertiser_id=${advertiser}`, { "line-item": { name: "L" } })
    ).body.response.id;
    const targets: Array<[ApiClient, string, string, string]> = [
      [admin, "POST", "/member", "member"],
      [admin, "POST", "/user", "user"],
      [a, "POST", "/advertiser", "advertiser"],
      [a, "PUT", `/advertiser?id=${advertiser}`, "advertiser"],
      [a, "POST", `/pixel?advertiser_id=${advertiser}`, "pixel"],
      [a, "PUT", `/pixel?id=${pixel}`, "pixel"],
      [a, "POST", `/line-item?advertiser_id=${advertiser}`, "line-item"],
      [a, "PUT", `/line-item?id=${lineItem}`, "line-item"],
      [a, "POST", `/campaign?advertiser_id=${advertiser}`, "campaign"],
      [a, "POST", "/events", "events"],
      [a, "POST", "/auth", "auth"],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        json,
        fc.boolean(),
        async ([client, method, path, term], value, wrap) => {
          const body = wrap ? { [term]: value } : value;
          const answer = await client.call(method, path, JSON.stringify(body));
          expect(answer.status, JSON.stringify(body)).toBeLessThan(500);
          expect(answer.body.response.status).toMatch(/^(OK|error)$/);
          if (answer.status >= 400) expect(answer.body.response.error).toEqual(expect.any(String));
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["a binary body", "\u0000\u0001\u00ff\ufffe"],
    ["an 11 MB body", JSON.stringify({ advertiser: { name: "x".repeat(11 * 1024 * 1024) } })],
  ])("answers %s with a SYNTAX error", async (_name, body) => {
    const { a } = await twoMembers(fixture.edge);
    const answer = await a.call("POST", "/advertiser", body);
    expect(answer.status).toBe(400);
    expect(answer.body.response.error_id).toBe("SYNTAX");
  });

  it.each([
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "",
  ])("reads a JSON body sent as %j", async (type) => {
    const { a } = await twoMembers(fixture.edge);
    a.headers["Content-Type"] = type;
    const answer = await a.call(
      "POST",
      "/advertiser",
      JSON.stringify({ advertiser: { name: "Typed" } }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.response.advertiser.name).toBe("Typed");
  });

  it("answers an unknown path with the NOTFOUND envelope", async () => {
    const answer = await new ApiClient(fixture.edge.app).get("/no-such-service");
    expect(answer.status).toBe(404);
    expect(answer.body.response).toMatchObject({ status: "error", error_id: "NOTFOUND" });
  });
});

describe("the OpenAPI document", () => {
  it("describes every service at /openapi.json and is browsable at /docs", async () => {
    const client = new ApiClient(fixture.edge.app);
    const doc = (await client.get("/openapi.json")).body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      "/auth",
      "/member",
      "/user",
      "/advertiser",
      "/line-item",
      "/campaign",
      "/pixel",
      "/pixel/meta",
      "/events",
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths["/pixel"])).toEqual(["get", "post", "put", "delete"]);
    expect(JSON.stringify(doc.paths["/pixel"].post)).toContain("post_click_expire_mins");
    const page = await client.get("/docs");
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("swagger");
  });
});
