import { beforeEach, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/conversions/timestamps.js";
import { TRANSPARENT_GIF } from "../../src/edge/responses.js";
import { addCounts, emptyCounts, type ReportCounts } from "../../src/reports/report-counters.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { pixelDocument } from "../helpers/documents.js";
import { describeEdges, type EdgeUnderTest } from "../helpers/edge-matrix.js";
import { EdgeCopyWriter, seedPixels } from "../helpers/seed-pixel.js";

// The /px contract, run against the Node edge and the Worker bundle alike: both answer and record
// on the real clock, so times are checked against the moments around the request.
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The spec's steps on one edge: fires through it, touches and pixels straight into its Redis. */
function steps(edge: EdgeUnderTest) {
  return {
    fire: (path: string, headers: Record<string, string> = {}) =>
      edge.request(`https://px.example${path}`, { headers }),
    /** A click by `userId` `minutesAgo` minutes ago; answers its time. */
    async click(userId: string, minutesAgo: number, lineItem = 382): Promise<number> {
      const ts = Date.now() - minutesAgo * MIN;
      await new RedisTouchStore(edge.redis.client).record([
        {
          type: "click",
          user_id: userId,
          advertiser_id: 2,
          line_item_id: lineItem,
          campaign_id: 17607,
          creative_id: 9,
          ts,
        },
      ]);
      return ts;
    },
    async putPixel(fields: Parameters<typeof pixelDocument>[0]) {
      await new EdgeCopyWriter(edge.redis.client).putPixel(pixelDocument(fields));
      await edge.configsChanged();
    },
  };
}

/** Sums report counts over their quarter-hours: a test's fires may straddle two. */
const summed = (rows: ReadonlyArray<readonly [number, ReportCounts]>): ReportCounts =>
  rows.reduce((total, [, counts]) => addCounts(total, counts), emptyCounts());

describeEdges("the /px contract", (edge) => {
  const { fire, click, putPixel } = steps(edge);
  beforeEach(async () => {
    await seedPixels(edge.redis.client);
  });

  describe("GET /px", () => {
    it("answers the 43-byte transparent GIF with no-cache headers", async () => {
      const response = await fire("/px?id=37&t=2");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
      expect(response.headers.get("cache-control")).toBe(
        "no-store, no-cache, must-revalidate, max-age=0",
      );
      expect(response.headers.get("pragma")).toBe("no-cache");
      expect(response.headers.get("expires")).toBe("0");
      const body = new Uint8Array(await response.arrayBuffer());
      expect(body.length).toBe(43);
      expect(body).toEqual(TRANSPARENT_GIF);
      expect(new TextDecoder().decode(body.slice(0, 6))).toBe("GIF89a");
    });

    it("treats a missing t as an image pixel and t=1 as a script", async () => {
      expect((await fire("/px?id=37")).headers.get("content-type")).toBe("image/gif");
      const script = await fire("/px?id=37&t=1");
      expect(script.headers.get("content-type")).toMatch(/^application\/javascript/);
      expect(await script.text()).toBe("");
    });

    it("gives a new browser a uuid2 cookie with the AppNexus attributes", async () => {
      const cookie = (await fire("/px?id=37")).headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(
        /^uuid2=[1-9][0-9]{0,19}; Max-Age=7776000; Path=\/; Secure; SameSite=None; HttpOnly$/,
      );
    });

    it("drops Secure only for plain http on a loopback host", async () => {
      const local = await edge.request("http://127.0.0.1:8080/px?id=37");
      expect(local.headers.get("set-cookie")).not.toContain("Secure");
      const proxied = await edge.request("http://px.example/px?id=37");
      expect(proxied.headers.get("set-cookie")).toContain("Secure; SameSite=None");
    });

    it("keeps an existing cookie and records a counted conversion with every field", async () => {
      const clickedAt = await click("555", 30);
      const before = formatTimestamp(Date.now());
      const response = await fire("/px?id=37&order_id=A-1001&value=49.90&other=spring%20sale", {
        Cookie: "uuid2=555",
      });
      const after = formatTimestamp(Date.now());
      expect(response.headers.get("set-cookie")).toBeNull();
      const conversions = await edge.events.conversions(37);
      expect(conversions).toEqual([
        {
          id: expect.any(String),
          pixel_id: 37,
          advertiser_id: 2,
          user_id: "555",
          conversion_time: expect.any(String),
          post_click_or_post_view_conv: "click",
          line_item_id: 382,
          campaign_id: 17607,
          creative_id: 9,
          imp_time: formatTimestamp(clickedAt),
          order_id: "A-1001",
          external_data: "spring sale",
          post_click_or_post_view_revenue: 49.9,
        },
      ]);
      const fired = conversions[0]?.conversion_time ?? "";
      expect(fired >= before && fired <= after).toBe(true);
      const [row] = await edge.events.fires(37);
      expect(row).toMatchObject({
        user_id: "555",
        counted: true,
        reason: "counted",
        order_id: "A-1001",
      });
    });

    it("finds the pixel by code and member, and not under another member", async () => {
      await click("555", 5);
      await fire("/px?code=thanks&member=1", { Cookie: "uuid2=555" });
      expect(await edge.events.conversions(37)).toHaveLength(1);
      const other = await fire("/px?code=thanks&member=2", { Cookie: "uuid2=555" });
      expect(other.status).toBe(200);
      const [unknown] = await edge.events.fires("unknown");
      expect(unknown).toMatchObject({ pixel_id: null, reason: "unknown_pixel" });
    });

    it("records every fire, attributed or not, with the reason", async () => {
      const start = Date.now();
      await fire("/px?id=37");
      await fire("/px?id=37", { Cookie: "uuid2=777" });
      await click("555", 5);
      await fire("/px?id=37", { Cookie: "uuid2=555" });
      await fire("/px?id=37", { Cookie: "uuid2=555" });
      const rows = await edge.events.fires(37);
      expect(rows.map((r) => [r.user_id, r.reason])).toEqual([
        ["0", "unknown_user"],
        ["777", "no_touch"],
        ["555", "counted"],
        ["555", "repeat_user"],
      ]);
      expect(summed(await edge.events.reportCounts(37, start - HOUR, Date.now() + HOUR))).toEqual({
        fires: 4,
        unattributed_fires: 2,
        post_view_convs: 0,
        post_click_convs: 1,
        post_view_revenue_micros: 0,
        post_click_revenue_micros: 10_000_000,
      });
    });

    it("answers an unknown or inactive pixel with the GIF and logs the fire", async () => {
      await putPixel({ id: 38, code: null, state: "inactive" });
      await click("555", 5);
      for (const path of ["/px?id=999", "/px?id=38"]) {
        const response = await fire(path, { Cookie: "uuid2=555" });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("image/gif");
      }
      expect(await edge.events.fires(999)).toEqual([]);
      expect((await edge.events.fires("unknown"))[0]).toMatchObject({
        pixel_id: 999,
        reason: "unknown_pixel",
      });
      expect((await edge.events.fires(38))[0]).toMatchObject({ reason: "inactive_pixel" });
    });

    it.each([
      "/px",
      "/px?id=",
      "/px?id=abc",
      "/px?id=-4",
      "/px?id=99999999999999999999999",
      "/px?id=37&t=9",
      "/px?code=&member=x",
      "/px?id=%E0%A4%A",
      `/px?id=37&other=${"x".repeat(500)}`,
      "/px?id=37&id=38",
    ])("never fails the browser on %s", async (path) => {
      const response = await fire(path, { Cookie: "uuid2=%%%" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
    });

    it("drops malformed optional parameters and keeps the fire", async () => {
      await click("555", 5);
      await fire(
        `/px?id=37&order_id=${"x".repeat(37)}&value=-3&other=${"é".repeat(40)}&redir=javascript:alert(1)`,
        { Cookie: "uuid2=555" },
      );
      const [row] = await edge.events.conversions(37);
      expect(row).toMatchObject({
        order_id: null,
        post_click_or_post_view_revenue: 10,
        external_data: "é".repeat(30),
      });
    });

    it("counts one order_id once even with min_minutes_per_conv 0", async () => {
      await putPixel({ min_minutes_per_conv: 0 });
      await click("555", 5);
      for (const order of ["A-1", "A-1", "A-2"])
        await fire(`/px?id=37&order_id=${order}`, { Cookie: "uuid2=555" });
      expect((await edge.events.conversions(37)).map((c) => c.order_id).sort()).toEqual([
        "A-1",
        "A-2",
      ]);
    });
  });

  describe("opting out", () => {
    it("GET /optout stores uuid2=-1 for five years and ?undo=1 removes it", async () => {
      const out = await edge.request("https://px.example/optout");
      expect(out.status).toBe(200);
      expect(out.headers.get("content-type")).toMatch(/^text\/html/);
      expect(out.headers.get("set-cookie")).toBe(
        "uuid2=-1; Max-Age=157680000; Path=/; Secure; SameSite=None; HttpOnly",
      );
      const undo = await edge.request("https://px.example/optout?undo=1");
      expect(undo.headers.get("set-cookie")).toMatch(/^uuid2=; Max-Age=0;/);
    });

    it("records an opted-out fire anonymously and sets no cookie", async () => {
      await click("-1", 5);
      const response = await fire("/px?id=37&order_id=A-1&other=alice%40example.com", {
        Cookie: "uuid2=-1",
      });
      expect(response.headers.get("set-cookie")).toBeNull();
      const [row] = await edge.events.fires(37);
      expect(row).toMatchObject({ user_id: "-1", order_id: null, other: null, counted: false });
      expect(await edge.events.conversions(37)).toEqual([]);
    });

    it("treats Sec-GPC: 1 as an opt-out unless HONOR_GPC=0", async () => {
      await click("555", 5);
      const response = await fire("/px?id=37", { Cookie: "uuid2=555", "Sec-GPC": "1" });
      expect(response.headers.get("set-cookie")).toBeNull();
      expect((await edge.events.fires(37))[0]).toMatchObject({ user_id: "-1" });

      const ignoring = await edge.startWith({ HONOR_GPC: "0" });
      try {
        await ignoring.request("https://px.example/px?id=37", {
          headers: { Cookie: "uuid2=555", "Sec-GPC": "1" },
        });
      } finally {
        await ignoring.close();
      }
      expect(await edge.events.conversions(37)).toHaveLength(1);
    });

    it("treats gpc=1 (the tag loader's navigator.globalPrivacyControl) like Sec-GPC: 1", async () => {
      await click("555", 5);
      const response = await fire("/px?id=37&t=1&gpc=1&order_id=A-9", { Cookie: "uuid2=555" });
      expect(response.status).toBe(200);
      expect(response.headers.get("set-cookie")).toBeNull();
      expect((await edge.events.fires(37))[0]).toMatchObject({
        user_id: "-1",
        order_id: null,
      });
      expect(await edge.events.conversions(37)).toEqual([]);
    });
  });
});
