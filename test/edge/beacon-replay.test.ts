import { describe, expect, it } from "vitest";
import { signatureFor, signUrl } from "../../src/signing/url-signature.js";
import { describeEdges } from "../helpers/edge-matrix.js";
import { TEST_SECRET } from "../helpers/node-edge.js";
import { seedPixelAndTouches } from "../helpers/seed-pixel.js";
import { touchHistory } from "../helpers/touch-history.js";

// SPEC 14: a signed beacon is good for a while (ts), and an impression id (aid) once. Run against
// the Node edge and the Worker bundle alike, on the real clock: a replay later is a URL whose
// ts is that much older now.
const BASE = "https://px.example";
const MIN_MS = 60_000;
const HOUR_MS = 60 * MIN_MS;
const DAY_MS = 24 * HOUR_MS;
const seconds = (ms: number) => Math.floor(ms / 1000);
const ago = (ms: number) => Date.now() - ms;

describeEdges("signed beacons", (edge) => {
  const get = async (url: string, cookie: string, method = "GET") =>
    edge.request(url, { method, headers: { Cookie: cookie } });
  const touchesOf = (user: string) => touchHistory(edge.redis.client, user, 2);

  describe("a signed /imp's ts", () => {
    it("is accepted up to BEACON_MAX_AGE_S (1 hour) after it, and records nothing later", async () => {
      const signedAt = (ms: number) => signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382`, ms);
      await get(await signedAt(ago(0)), "uuid2=501");
      await get(await signedAt(ago(59 * MIN_MS)), "uuid2=502");
      await get(await signedAt(ago(2 * HOUR_MS)), "uuid2=503");
      const counts = [
        (await touchesOf("501")).length,
        (await touchesOf("502")).length,
        (await touchesOf("503")).length,
      ];
      console.log(
        `${edge.runtime}: /imp signed now, 59 min and 2 h ago: touches ${counts.join(", ")}`,
      );
      expect(counts).toEqual([1, 1, 0]);
    });

    it.each([
      ["missing", () => ""],
      ["not a number", () => "&ts=yesterday"],
      ["in milliseconds", () => `&ts=${Date.now()}`],
      ["61 minutes old", () => `&ts=${seconds(ago(61 * MIN_MS))}`],
      ["6 minutes in the future", () => `&ts=${seconds(ago(-6 * MIN_MS))}`],
    ])("records nothing when it is %s (still the GIF)", async (_name, ts) => {
      // Signed as given (signUrl would add a ts to a URL without one).
      const url = new URL(`${BASE}/imp?adv=2&li=382${ts()}`);
      url.searchParams.set("sig", await signatureFor(TEST_SECRET, url.pathname, url.searchParams));
      const response = await get(url.href, "uuid2=555");
      expect(response.headers.get("content-type")).toBe("image/gif");
      expect(await touchesOf("555")).toEqual([]);
    });

    it("is covered by the signature: a stale URL given a fresh ts records nothing", async () => {
      const staleAt = ago(2 * HOUR_MS);
      const stale = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382`, staleAt);
      expect(stale).toContain(`ts=${seconds(staleAt)}`);
      const tampered = stale.replace(/ts=\d+/, `ts=${seconds(Date.now())}`);
      await get(tampered, "uuid2=555");
      await get(stale, "uuid2=556");
      expect(await touchesOf("555")).toEqual([]);
      expect(await touchesOf("556")).toEqual([]);
      // The same URL signed now is accepted.
      await get(await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382`), "uuid2=557");
      expect(await touchesOf("557")).toHaveLength(1);
    });
  });

  describe("a signed /imp's aid", () => {
    it("records its impression once, for the first cookie: one post-view conversion, not three", async () => {
      await seedPixelAndTouches(edge.redis.client, { trigger_type: "view" }, []);
      await edge.configsChanged();
      const url = await signUrl(
        TEST_SECRET,
        `${BASE}/imp?adv=2&li=382&cp=17607&cr=9&aid=7245813957612`,
      );
      const cookies = ["601", "602", "603"];
      for (const user of cookies) await get(url, `uuid2=${user}`);
      for (const user of cookies) await get(`${BASE}/px?id=37`, `uuid2=${user}`);
      const touches = await Promise.all(cookies.map(async (u) => (await touchesOf(u)).length));
      const conversions = await edge.events.conversions(37);
      console.log(
        `${edge.runtime}: one aid, three cookies: touches ${touches.join(", ")}; post-view conversions ${conversions.length}`,
      );
      expect(touches).toEqual([1, 0, 0]);
      expect(conversions.map((c) => [c.user_id, c.post_click_or_post_view_conv])).toEqual([
        ["601", "view"],
      ]);
    });

    it("is not used up by a HEAD, and is keyed in Redis with a TTL just over the max age", async () => {
      const url = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382&aid=A-1`);
      await get(url, "uuid2=701", "HEAD");
      await get(url, "uuid2=702");
      await get(url, "uuid2=703");
      expect((await touchesOf("701")).length).toBe(0);
      expect((await touchesOf("702")).length).toBe(1);
      expect((await touchesOf("703")).length).toBe(0);
      const [key] = await edge.redis.client.keys("*A-1*");
      const ttl = await edge.redis.client.pttl(key ?? "none");
      expect(ttl).toBeGreaterThan(HOUR_MS);
      expect(ttl).toBeLessThan(2 * HOUR_MS);
    });

    it("records nothing when malformed; different aids each record", async () => {
      const bad = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382&aid=%24%7BAUCTION_ID%7D`);
      await get(bad, "uuid2=801");
      expect(await touchesOf("801")).toEqual([]);
      for (const aid of ["1", "2"]) {
        const url = `${BASE}/imp?adv=2&li=382&cr=${aid}&aid=${aid}`;
        await get(await signUrl(TEST_SECRET, url), "uuid2=802");
      }
      expect(await touchesOf("802")).toHaveLength(2);
    });
  });

  describe("a signed /click's ts", () => {
    const click = (ts: number) =>
      signUrl(TEST_SECRET, `${BASE}/click?adv=2&li=382&redir=https%3A%2F%2Fshop.example%2F`, ts);

    it("redirects within 30 days of it, and answers 400 recording nothing after", async () => {
      const old = await get(await click(ago(31 * DAY_MS)), "uuid2=901");
      console.log(`${edge.runtime}: /click with a 31-day-old ts: ${old.status}`);
      expect(old.status).toBe(400);
      expect(await touchesOf("901")).toEqual([]);
      const fresh = await get(await click(ago(29 * DAY_MS)), "uuid2=902");
      expect(fresh.status).toBe(302);
      expect(await touchesOf("902")).toHaveLength(1);
      const unsigned = await get(
        `${BASE}/click?adv=2&li=382&redir=https%3A%2F%2Fshop.example%2F&ts=${seconds(Date.now())}`,
        "uuid2=903",
      );
      expect(unsigned.status).toBe(400);
    });
  });
});
