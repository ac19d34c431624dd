import { describe, expect, it } from "vitest";
import { signatureFor, signUrl } from "../../src/signing/url-signature.js";
import { TEST_SECRET, useNodeEdge } from "../helpers/node-edge.js";
import { seedPixelAndTouches } from "../helpers/seed-pixel.js";
import { touchHistory } from "../helpers/touch-history.js";

// SPEC 14: a signed beacon is good for a while (ts), and an impression id (aid) once.
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const BASE = "https://px.example";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
let now = NOW;
const fixture = useNodeEdge(() => now);
const seconds = (ms: number) => Math.floor(ms / 1000);

async function get(url: string, cookie: string, method = "GET") {
  const response = await fixture.edge.app.request(url, { method, headers: { Cookie: cookie } });
  await response.arrayBuffer();
  await fixture.edge.drain();
  return response;
}
const touchesOf = (user: string) => touchHistory(fixture.redis.client, user, 2);
const at = (ms: number) => {
  now = ms;
};

describe("a signed /imp's ts", () => {
  it("is accepted within BEACON_MAX_AGE_S (1 hour) of it, and a replay after that records nothing", async () => {
    at(NOW);
    const url = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382&ts=${seconds(NOW)}`);
    await get(url, "uuid2=501");
    at(NOW + 59 * 60_000);
    await get(url, "uuid2=502");
    at(NOW + 2 * HOUR_MS);
    await get(url, "uuid2=503");
    const counts = [
      (await touchesOf("501")).length,
      (await touchesOf("502")).length,
      (await touchesOf("503")).length,
    ];
    console.log(`replayed /imp: touches per cookie (fresh, 59 min, 2 h) = ${counts.join(", ")}`);
    expect(counts).toEqual([1, 1, 0]);
    at(NOW);
  });

  it.each([
    ["missing", ""],
    ["not a number", "&ts=yesterday"],
    ["in milliseconds", `&ts=${NOW}`],
    ["61 minutes old", `&ts=${seconds(NOW - 61 * 60_000)}`],
    ["6 minutes in the future", `&ts=${seconds(NOW + 6 * 60_000)}`],
  ])("records nothing when it is %s (still the GIF)", async (_name, ts) => {
    at(NOW);
    // Signed as given (signUrl would add a ts to a URL without one).
    const url = new URL(`${BASE}/imp?adv=2&li=382${ts}`);
    url.searchParams.set("sig", await signatureFor(TEST_SECRET, url.pathname, url.searchParams));
    const response = await get(url.href, "uuid2=555");
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect(await touchesOf("555")).toEqual([]);
  });

  it("is covered by the signature: a stale URL given a fresh ts records nothing", async () => {
    at(NOW);
    const stale = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382`, NOW - 2 * HOUR_MS);
    expect(stale).toContain(`ts=${seconds(NOW - 2 * HOUR_MS)}`);
    const tampered = stale.replace(/ts=\d+/, `ts=${seconds(NOW)}`);
    await get(tampered, "uuid2=555");
    await get(stale, "uuid2=556");
    expect(await touchesOf("555")).toEqual([]);
    expect(await touchesOf("556")).toEqual([]);
    // The same URL signed now is accepted.
    await get(await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382`, NOW), "uuid2=557");
    expect(await touchesOf("557")).toHaveLength(1);
  });
});

describe("a signed /imp's aid", () => {
  it("records its impression once, for the first cookie: one post-view conversion, not three", async () => {
    at(NOW);
    await seedPixelAndTouches(fixture.redis.client, { trigger_type: "view" }, []);
    const url = await signUrl(
      TEST_SECRET,
      `${BASE}/imp?adv=2&li=382&cp=17607&cr=9&aid=7245813957612&ts=${seconds(NOW)}`,
    );
    const cookies = ["601", "602", "603"];
    for (const user of cookies) await get(url, `uuid2=${user}`);
    at(NOW + 10 * 60_000);
    for (const user of cookies) await get(`${BASE}/px?id=37`, `uuid2=${user}`);
    const touches = await Promise.all(cookies.map(async (u) => (await touchesOf(u)).length));
    const conversions = await fixture.edge.fireLog.conversions(37);
    console.log(
      `one aid, three cookies: touches ${touches.join(", ")}; post-view conversions ${conversions.length}`,
    );
    expect(touches).toEqual([1, 0, 0]);
    expect(conversions.map((c) => [c.user_id, c.post_click_or_post_view_conv])).toEqual([
      ["601", "view"],
    ]);
    at(NOW);
  });

  it("is not used up by a HEAD, and is keyed in Redis with a TTL just over the max age", async () => {
    at(NOW);
    const url = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382&aid=A-1`, NOW);
    await get(url, "uuid2=701", "HEAD");
    await get(url, "uuid2=702");
    await get(url, "uuid2=703");
    expect((await touchesOf("701")).length).toBe(0);
    expect((await touchesOf("702")).length).toBe(1);
    expect((await touchesOf("703")).length).toBe(0);
    const [key] = await fixture.redis.client.keys("*A-1*");
    const ttl = await fixture.redis.client.pttl(key ?? "none");
    expect(ttl).toBeGreaterThan(HOUR_MS);
    expect(ttl).toBeLessThan(2 * HOUR_MS);
  });

  it("records nothing when malformed; different aids each record", async () => {
    at(NOW);
    const bad = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382&aid=%24%7BAUCTION_ID%7D`);
    await get(bad, "uuid2=801");
    expect(await touchesOf("801")).toEqual([]);
    for (const aid of ["1", "2"]) {
      const url = `${BASE}/imp?adv=2&li=382&cr=${aid}&aid=${aid}`;
      await get(await signUrl(TEST_SECRET, url, NOW), "uuid2=802");
    }
    expect(await touchesOf("802")).toHaveLength(2);
  });
});

describe("a signed /click's ts", () => {
  const click = (ts: number) =>
    signUrl(TEST_SECRET, `${BASE}/click?adv=2&li=382&redir=https%3A%2F%2Fshop.example%2F`, ts);

  it("redirects within 30 days of it, and answers 400 recording nothing after", async () => {
    at(NOW);
    const old = await get(await click(NOW - 31 * DAY_MS), "uuid2=901");
    console.log(`/click with a 31-day-old ts: ${old.status}`);
    expect(old.status).toBe(400);
    expect(await touchesOf("901")).toEqual([]);
    const fresh = await get(await click(NOW - 29 * DAY_MS), "uuid2=902");
    expect(fresh.status).toBe(302);
    expect(await touchesOf("902")).toHaveLength(1);
    const unsigned = await get(
      `${BASE}/click?adv=2&li=382&redir=https%3A%2F%2Fshop.example%2F&ts=${seconds(NOW)}`,
      "uuid2=903",
    );
    expect(unsigned.status).toBe(400);
  });
});
