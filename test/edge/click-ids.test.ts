import { beforeEach, describe, expect, it } from "vitest";
import { decodeClickId, encodeClickId } from "../../src/signing/click-id.js";
import { encodeClickIdV1 } from "../../src/signing/click-id-v1.js";
import { signUrl } from "../../src/signing/url-signature.js";
import { keys } from "../../src/storage/keys.js";
import { clickIdOf, clickThrough, EDGE_ORIGIN, LANDING } from "../helpers/click-through.js";
import { advertiserDocument, lineItemDocument, pixelDocument } from "../helpers/documents.js";
import { describeEdges } from "../helpers/edge-matrix.js";
import { TEST_SECRET } from "../helpers/node-edge.js";
import { EdgeCopyWriter, seedPixels } from "../helpers/seed-pixel.js";

// SPEC 12 at the edge: a signed /click hands the landing page a click id, and /px or /sspx
// with it credits that click with no cookie at all. Run against the Node edge and the Worker
// bundle alike, on the real clock; click-id-windows.test.ts moves a Node edge's clock for the
// windows.

const foreignId = () =>
  encodeClickId("another deployment's secret", {
    advertiser_id: 2,
    line_item_id: 382,
    campaign_id: 17607,
    creative_id: 9,
    ts: Date.now(),
    user_id: "42",
  });

describeEdges("click ids", (edge) => {
  const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    edge.request(`${EDGE_ORIGIN}${path}`, { headers, method });
  const click = (landing?: string) => clickThrough((url) => edge.request(url), landing);
  const firesOf = (pixelId = 37) => edge.events.fires(pixelId);

  beforeEach(async () => {
    // Clicks count for 20160 minutes (two weeks); one conversion per user.
    await seedPixels(
      edge.redis.client,
      [pixelDocument()],
      advertiserDocument({ append_click_id: true }),
    );
  });

  describe("GET /click with append_click_id", () => {
    it("appends pxclid to the landing URL, keeping its own query and fragment byte for byte", async () => {
      const before = Date.now();
      const { location, uuid2 } = await click();
      const after = Date.now();
      const clickId = clickIdOf(location);
      expect(location).toBe(
        `https://shop.example/spring?utm_source=ads&q=a%20b&pxclid=${clickId}#top`,
      );
      expect(clickId.length).toBeLessThanOrEqual(160);
      expect(clickId).toMatch(/^[A-Za-z0-9._-]+$/);
      const decoded = decodeClickId(TEST_SECRET, clickId);
      expect(decoded).toEqual({
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 17607,
        creative_id: 9,
        ts: expect.any(Number),
        user_id: uuid2,
      });
      const ts = decoded?.ts ?? 0;
      expect(ts >= before && ts <= after).toBe(true);
    });

    it("hands the landing page an id that does not show the HttpOnly uuid2", async () => {
      const first = await click();
      const second = await clickThrough((url) =>
        edge.request(url, { headers: { Cookie: `uuid2=${first.uuid2}` } }),
      );
      const [a, b] = [clickIdOf(first.location), clickIdOf(second.location)];
      for (const id of [a, b]) {
        const text = id.toLowerCase();
        for (const form of [
          first.uuid2,
          BigInt(first.uuid2).toString(36),
          BigInt(first.uuid2).toString(16),
        ])
          expect(text).not.toContain(form);
      }
      // The same user's two clicks: two ids with nothing in common but their format's prefix,
      // so a landing page cannot follow a user from click to click either.
      expect(decodeClickId(TEST_SECRET, b)?.user_id).toBe(first.uuid2);
      expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
    });

    it("adds a query to a landing URL without one", async () => {
      const { location } = await click("https://shop.example/");
      expect(location).toMatch(/^https:\/\/shop\.example\/\?pxclid=[A-Za-z0-9._-]+$/);
    });

    it("appends nothing for an advertiser without append_click_id (the default)", async () => {
      await new EdgeCopyWriter(edge.redis.client).putAdvertiser(advertiserDocument());
      await edge.configsChanged();
      const { location } = await click();
      expect(location).toBe(LANDING);
    });

    it("appends nothing for an opted-out browser", async () => {
      const url = await signUrl(
        TEST_SECRET,
        `${EDGE_ORIGIN}/click?adv=2&li=382&redir=${encodeURIComponent(LANDING)}`,
      );
      const response = await edge.request(url, { headers: { Cookie: "uuid2=-1" } });
      expect(response.headers.get("location")).toBe(LANDING);
    });
  });

  describe("/px with pxclid", () => {
    it("credits a cookieless fire to that click, with nothing stored for it", async () => {
      const { location, uuid2 } = await click();
      const clickedAt = decodeClickId(TEST_SECRET, clickIdOf(location))?.ts;
      // Self-contained: even with the click's stored touch gone, the id alone credits it.
      await edge.redis.client.del(keys.touches(uuid2, 2));
      const response = await get(`/px?id=37&t=2&order_id=A-1&pxclid=${clickIdOf(location)}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
      expect(response.headers.get("set-cookie")).toMatch(/^uuid2=/); // a cookieless browser, as ever
      expect(await firesOf()).toMatchObject([
        {
          user_id: uuid2,
          order_id: "A-1",
          counted: true,
          reason: "counted",
          conversion_type: "click",
          line_item_id: 382,
          campaign_id: 17607,
          creative_id: 9,
          imp_ts: clickedAt,
        },
      ]);
    });

    it("still credits a click id issued in the first format, before ids were encrypted", async () => {
      const { uuid2 } = await click();
      const clickedAt = Date.now();
      const old = encodeClickIdV1(TEST_SECRET, {
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 17607,
        creative_id: 9,
        ts: clickedAt,
        user_id: uuid2,
      });
      await edge.redis.client.del(keys.touches(uuid2, 2));
      await get(`/px?id=37&t=2&pxclid=${old}`);
      expect(await firesOf()).toMatchObject([
        { user_id: uuid2, counted: true, conversion_type: "click", imp_ts: clickedAt },
      ]);
    });

    it("credits nothing for a pixel that is not on the click's line item", async () => {
      // The pixel moves from line item 382 (the click's) to line item 999.
      const writer = new EdgeCopyWriter(edge.redis.client);
      await writer.putLineItem(lineItemDocument({ pixels: [] }));
      await writer.putLineItem(lineItemDocument({ id: 999, name: "Other" }));
      await edge.configsChanged();
      const { location } = await click();
      await get(`/px?id=37&pxclid=${clickIdOf(location)}`);
      expect(await firesOf()).toMatchObject([{ counted: false, reason: "no_touch" }]);
    });

    it.each([
      ["a changed character", (id: string) => id.replace(/.$/, (c) => (c === "A" ? "B" : "A"))],
      [
        "a changed character in the middle",
        (id: string) => {
          const at = id.length >> 1;
          return id.slice(0, at) + (id[at] === "A" ? "B" : "A") + id.slice(at + 1);
        },
      ],
      ["a truncated id", (id: string) => id.slice(0, -5)],
      ["an id signed with another secret", () => foreignId()],
      ["garbage", () => "%00%0d%0a<script>"],
      ["a 500-character id", () => "x".repeat(500)],
    ])(
      "with %s: credits nothing and still answers the GIF and the script",
      async (_name, tamper) => {
        const { location } = await click();
        const id = encodeURIComponent(tamper(clickIdOf(location)));
        const image = await get(`/px?id=37&t=2&pxclid=${id}`);
        expect(image.status).toBe(200);
        expect(image.headers.get("content-type")).toBe("image/gif");
        const script = await get(`/px?id=37&t=1&pxclid=${id}`);
        expect(script.status).toBe(200);
        expect(await firesOf()).toMatchObject([
          { user_id: "0", counted: false, reason: "unknown_user" },
          { user_id: "0", counted: false, reason: "unknown_user" },
        ]);
      },
    );

    it("is ignored for an opted-out browser: an anonymous fire", async () => {
      const { location } = await click();
      await get(`/px?id=37&pxclid=${clickIdOf(location)}`, { Cookie: "uuid2=-1" });
      expect(await firesOf()).toMatchObject([{ user_id: "-1", counted: false }]);
    });
  });

  describe("GET /sspx (Xandr's server-side pixel)", () => {
    it("credits the click its sspdata names, answers 200 and the GIF, sets no cookie", async () => {
      const { location, uuid2 } = await click();
      const response = await get(
        `/sspx?id=37&order_id=A-7&value=12.5&other=crm&sspdata=${clickIdOf(location)}`,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(await firesOf()).toMatchObject([
        {
          user_id: uuid2,
          order_id: "A-7",
          value: 12.5,
          other: "crm",
          counted: true,
          conversion_type: "click",
        },
      ]);
    });

    it("records nothing on HEAD, and answers the GIF to anything", async () => {
      const { location } = await click();
      const head = await get(`/sspx?id=37&sspdata=${clickIdOf(location)}`, {}, "HEAD");
      expect(head.status).toBe(200);
      for (const path of [
        "/sspx",
        "/sspx?id=x&ts=yesterday",
        "/sspx?id=99999&sspdata=%ff",
        "/sspx?id=37&ts=9999999999999999",
      ])
        expect((await get(path)).headers.get("content-type")).toBe("image/gif");
      expect(await firesOf()).toEqual([]);
    });
  });

  describe("event_id across the browser and the server (SPEC 12)", () => {
    it.each([
      ["the browser fire first", ["px", "sspx"]],
      ["the server event first", ["sspx", "px"]],
    ])("counts one conversion with %s", async (_name, order) => {
      await new EdgeCopyWriter(edge.redis.client).putPixel(
        pixelDocument({ min_minutes_per_conv: 0 }),
      );
      await edge.configsChanged();
      const { location } = await click();
      const id = clickIdOf(location);
      for (const path of order)
        await get(
          path === "px"
            ? `/px?id=37&event_id=ev-1&pxclid=${id}`
            : `/sspx?id=37&event_id=ev-1&sspdata=${id}`,
        );
      // Another event of the same user on the pixel still counts (min_minutes_per_conv 0).
      await get(`/sspx?id=37&event_id=ev-2&sspdata=${id}`);
      expect((await firesOf()).map((f) => [f.reason, f.counted])).toEqual([
        ["counted", true],
        ["duplicate_event", false],
        ["counted", true],
      ]);
    });
  });
});
