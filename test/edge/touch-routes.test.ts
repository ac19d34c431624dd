import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { signUrl } from "../../src/signing/url-signature.js";
import { describeEdges } from "../helpers/edge-matrix.js";
import { TEST_SECRET } from "../helpers/node-edge.js";
import { touchHistory } from "../helpers/touch-history.js";

// The /imp and /click contract, run against the Node edge and the Worker bundle alike, on the
// real clock: beacons are signed now, and a touch's time is checked against the request's.
const BASE = "https://px.example";
const sign = (url: string) => signUrl(TEST_SECRET, url);
const signCli = (url: string) =>
  promisify(execFile)("npx", ["tsx", "scripts/sign.ts", url], {
    env: { ...process.env, SIGNING_SECRET: TEST_SECRET },
  });

describeEdges("the /imp and /click contract", (edge) => {
  const get = (url: string, headers: Record<string, string> = {}) => edge.request(url, { headers });
  const touchesOf = (user: string) => touchHistory(edge.redis.client, user, 2);

  describe("GET /imp", () => {
    it("records a signed impression under the browser's cookie", async () => {
      const url = await sign(`${BASE}/imp?adv=2&li=382&cp=17607&cr=9`);
      const before = Date.now();
      const response = await get(url, { Cookie: "uuid2=555" });
      const after = Date.now();
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
      const touches = await touchesOf("555");
      expect(touches).toEqual([
        {
          type: "imp",
          user_id: "555",
          advertiser_id: 2,
          line_item_id: 382,
          campaign_id: 17607,
          creative_id: 9,
          ts: expect.any(Number),
        },
      ]);
      const ts = touches[0]?.ts ?? 0;
      expect(ts >= before && ts <= after).toBe(true);
    });

    it("gives a new browser an id and records the impression under it", async () => {
      const url = await sign(`${BASE}/imp?adv=2&li=382`);
      const response = await get(url);
      const id = /uuid2=(\d+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? "none";
      expect(await touchesOf(id)).toHaveLength(1);
    });

    it.each([
      ["no sig", "unsigned"],
      ["a tampered parameter", "tamper"],
      ["a sig made with another secret", "other-secret"],
      ["an impression sig used on /click", "cross-path"],
      ["a sig older than BEACON_MAX_AGE_S", "stale"],
    ])("records nothing with %s, and still answers the GIF", async (_name, kind) => {
      const plain = `${BASE}/imp?adv=2&li=382&cp=1&cr=1`;
      const signed = await sign(plain);
      const url = {
        unsigned: plain,
        tamper: signed.replace("li=382", "li=383"),
        "other-secret": await signUrl("another", plain),
        "cross-path": signed.replace("/imp?", "/click?"),
        stale: await signUrl(TEST_SECRET, plain, Date.now() - 2 * 3_600_000),
      }[kind];
      const response = await get(url ?? "", { Cookie: "uuid2=555" });
      if (kind === "cross-path") expect(response.status).toBe(400);
      else expect(response.headers.get("content-type")).toBe("image/gif");
      expect(await touchesOf("555")).toEqual([]);
    });

    it("accepts unsigned beacons only with ALLOW_UNSIGNED=1", async () => {
      const dev = await edge.startWith({ ALLOW_UNSIGNED: "1" });
      try {
        await dev.request(`${BASE}/imp?adv=2&li=382`, { headers: { Cookie: "uuid2=555" } });
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

  describe("npm run sign", () => {
    it("prints URLs, stamped with the time, that the edge accepts", async () => {
      const before = Math.floor(Date.now() / 1000);
      const { stdout } = await signCli(`${BASE}/imp?adv=2&li=382&cp=17607&cr=9`);
      const signed = stdout.trim();
      expect(signed).toMatch(/&sig=[0-9a-f]{64}$/);
      const ts = Number(new URL(signed).searchParams.get("ts"));
      expect(ts).toBeGreaterThanOrEqual(before);
      expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      await get(signed, { Cookie: "uuid2=555" });
      expect(await touchesOf("555")).toHaveLength(1);
    });

    it("keeps a ts the URL already has", async () => {
      const ts = Math.floor(Date.now() / 1000) - 60;
      const { stdout } = await signCli(`${BASE}/imp?adv=2&li=382&ts=${ts}`);
      expect(new URL(stdout.trim()).searchParams.get("ts")).toBe(String(ts));
      await get(stdout.trim(), { Cookie: "uuid2=555" });
      expect(await touchesOf("555")).toHaveLength(1);
    });
  });
});
