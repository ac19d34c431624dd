import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { signUrl } from "../../src/signing/url-signature.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { startNodeEdge, TEST_SECRET, useNodeEdge } from "../helpers/node-edge.js";
import { touchHistory } from "../helpers/touch-history.js";

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const BASE = "https://px.example";
const fixture = useNodeEdge(() => NOW);

async function get(url: string, headers: Record<string, string> = {}, app = fixture.edge) {
  const response = await app.app.request(url, { headers });
  await app.drain();
  return response;
}
const touchesOf = (user: string) => touchHistory(fixture.redis.client, user, 2);
// Signed at the edge's (fixed) time: a beacon is good for an hour after its ts.
const sign = (url: string) => signUrl(TEST_SECRET, url, NOW);

describe("GET /imp", () => {
  it("records a signed impression under the browser's cookie", async () => {
    const url = await sign(`${BASE}/imp?adv=2&li=382&cp=17607&cr=9`);
    const response = await get(url, { Cookie: "uuid2=555" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect(await touchesOf("555")).toEqual([
      {
        type: "imp",
        user_id: "555",
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 17607,
        creative_id: 9,
        ts: NOW,
      },
    ]);
  });

  it("gives a new browser an id and records the impression under it", async () => {
    const url = await sign(`${BASE}/imp?adv=2&li=382`);
    const response = await get(url);
    const id = /uuid2=(\d+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? "none";
    expect(await touchesOf(id)).toHaveLength(1);
  });

  it.each([
    ["no sig", `${BASE}/imp?adv=2&li=382&cp=1&cr=1`],
    ["a tampered parameter", "tamper"],
    ["a sig made with another secret", "other-secret"],
    ["an impression sig used on /click", "cross-path"],
  ])("records nothing with %s, and still answers the GIF", async (_name, kind) => {
    let url = kind;
    const signed = await sign(`${BASE}/imp?adv=2&li=382&cp=1&cr=1`);
    if (kind === "tamper") url = signed.replace("li=382", "li=383");
    if (kind === "other-secret")
      url = await signUrl("another", `${BASE}/imp?adv=2&li=382&cp=1&cr=1`, NOW);
    if (kind === "cross-path") url = signed.replace("/imp?", "/click?");
    const response = await get(url, { Cookie: "uuid2=555" });
    if (kind === "cross-path") expect(response.status).toBe(400);
    else expect(response.headers.get("content-type")).toBe("image/gif");
    expect(await touchesOf("555")).toEqual([]);
  });

  it("accepts unsigned beacons only with ALLOW_UNSIGNED=1", async () => {
    const dev = await startNodeEdge(fixture.redis.url, { ALLOW_UNSIGNED: "1" }, () => NOW);
    try {
      await get(`${BASE}/imp?adv=2&li=382`, { Cookie: "uuid2=555" }, dev);
    } finally {
      await dev.close();
    }
    expect(await touchesOf("555")).toHaveLength(1);
  });

  it("records nothing for an opted-out browser or a malformed beacon", async () => {
    for (const [query, cookie] of [
      ["adv=2&li=382", "-1"],
      ["adv=2&li=abc", "555"],
      ["adv=2", "555"],
    ] as const) {
      const url = await sign(`${BASE}/imp?${query}`);
      expect((await get(url, { Cookie: `uuid2=${cookie}` })).status).toBe(200);
    }
    expect(await touchesOf("-1")).toEqual([]);
    expect(await touchesOf("555")).toEqual([]);
  });
});

describe("GET /click", () => {
  it("records the click and redirects to the signed redir", async () => {
    const url = await sign(
      `${BASE}/click?adv=2&li=382&cp=17607&cr=9&redir=${encodeURIComponent("https://shop.example/p?x=1&y=2")}`,
    );
    const response = await get(url, { Cookie: "uuid2=555" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://shop.example/p?x=1&y=2");
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect((await touchesOf("555"))[0]).toMatchObject({ type: "click", line_item_id: 382 });
  });

  it("answers 400 and records nothing for an unsigned or target-less click", async () => {
    const unsigned = `${BASE}/click?adv=2&li=382&redir=${encodeURIComponent("https://evil.example/")}`;
    expect((await get(unsigned, { Cookie: "uuid2=555" })).status).toBe(400);
    const noTarget = await sign(`${BASE}/click?adv=2&li=382`);
    expect((await get(noTarget, { Cookie: "uuid2=555" })).status).toBe(400);
    const script = await sign(`${BASE}/click?adv=2&li=382&redir=javascript:alert(1)`);
    expect((await get(script, { Cookie: "uuid2=555" })).status).toBe(400);
    expect(await touchesOf("555")).toEqual([]);
  });

  it("still redirects an opted-out browser, recording nothing", async () => {
    const url = await sign(`${BASE}/click?adv=2&li=382&redir=https%3A%2F%2Fshop.example%2F`);
    const response = await get(url, { Cookie: "uuid2=-1" });
    expect(response.status).toBe(302);
    expect(await touchesOf("-1")).toEqual([]);
  });
});

describe("touch history", () => {
  it("keeps the newest 200 touches per user and advertiser, and none older than 90 days", async () => {
    const store = new RedisTouchStore(fixture.redis.client, () => NOW);
    const day = 86_400_000;
    const touches = Array.from({ length: 250 }, (_, i) => ({
      type: "imp" as const,
      user_id: "555",
      advertiser_id: 2,
      line_item_id: 382,
      campaign_id: null,
      creative_id: null,
      ts: NOW - i * 1000,
    }));
    await store.record(touches);
    const kept = await touchesOf("555");
    expect(kept).toHaveLength(200);
    expect(kept[0]?.ts).toBe(NOW);
    expect(kept[199]?.ts).toBe(NOW - 199_000);

    await store.record([
      { ...touches[0], user_id: "556", ts: NOW - 91 * day } as (typeof touches)[0],
    ]);
    expect(await touchesOf("556")).toEqual([]);
    expect(await fixture.redis.client.pttl("{u:555}:touches:2")).toBeGreaterThan(89 * day);
  });

  it("stores a re-delivered touch once", async () => {
    const url = await sign(`${BASE}/imp?adv=2&li=382&cp=1&cr=1`);
    await get(url, { Cookie: "uuid2=555" });
    await get(url, { Cookie: "uuid2=555" });
    expect(await touchesOf("555")).toHaveLength(1);
  });
});

describe("npm run sign", () => {
  it("prints URLs, stamped with the time, that the edge accepts", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { stdout } = await promisify(execFile)(
      "npx",
      ["tsx", "scripts/sign.ts", `${BASE}/imp?adv=2&li=382&cp=17607&cr=9`],
      { env: { ...process.env, SIGNING_SECRET: TEST_SECRET } },
    );
    const signed = stdout.trim();
    expect(signed).toMatch(/&sig=[0-9a-f]{64}$/);
    const ts = Number(new URL(signed).searchParams.get("ts"));
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    // The CLI signs with the real time, so an edge on the real clock takes it.
    const edge = await startNodeEdge(fixture.redis.url);
    try {
      await get(signed, { Cookie: "uuid2=555" }, edge);
    } finally {
      await edge.close();
    }
    expect(await touchesOf("555")).toHaveLength(1);
  });

  it("keeps a ts the URL already has", async () => {
    const { stdout } = await promisify(execFile)(
      "npx",
      ["tsx", "scripts/sign.ts", `${BASE}/imp?adv=2&li=382&ts=${NOW / 1000}`],
      { env: { ...process.env, SIGNING_SECRET: TEST_SECRET } },
    );
    await get(stdout.trim(), { Cookie: "uuid2=555" });
    expect(await touchesOf("555")).toHaveLength(1);
  });
});
