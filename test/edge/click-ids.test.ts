import { beforeEach, describe, expect, it } from "vitest";
import { decodeClickId, encodeClickId } from "../../src/signing/click-id.js";
import { signUrl } from "../../src/signing/url-signature.js";
import { keys } from "../../src/storage/keys.js";
import { RedisPixelWriter } from "../../src/storage/redis/redis-pixel-configs.js";
import { advertiserDocument, lineItemDocument, pixelDocument } from "../helpers/documents.js";
import { forgetAdvertisers, TEST_SECRET, useNodeEdge } from "../helpers/node-edge.js";
import { seedPixels } from "../helpers/seed-pixel.js";

// SPEC 12 at the edge: a signed /click hands the landing page a click id, and /px or /sspx
// with it credits that click with no cookie at all.
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const MIN = 60_000;
let now = T0;
const fixture = useNodeEdge(() => now);
const BASE = "https://px.example";
const LANDING = "https://shop.example/spring?utm_source=ads&q=a%20b#top";

beforeEach(async () => {
  now = T0;
  fixture.edge.pixelCache.invalidate("*");
  // Clicks count for 20160 minutes (two weeks); one conversion per user.
  await seedPixels(
    fixture.redis.client,
    [pixelDocument()],
    advertiserDocument({ append_click_id: true }),
  );
  forgetAdvertisers(fixture.edge);
});

async function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  const response = await fixture.edge.app.request(`${BASE}${path}`, { headers, method });
  await fixture.edge.drain();
  return response;
}

/** Clicks through a signed /click with no cookie; answers the landing URL and the new uuid2. */
async function clickThrough(landing = LANDING) {
  const url = await signUrl(
    TEST_SECRET,
    `${BASE}/click?adv=2&li=382&cp=17607&cr=9&redir=${encodeURIComponent(landing)}`,
    now,
  );
  const response = await get(url.slice(BASE.length));
  expect(response.status).toBe(302);
  const uuid2 = /uuid2=(\d+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? "";
  return { location: response.headers.get("location") ?? "", uuid2 };
}

const clickIdOf = (location: string) => new URL(location).searchParams.get("pxclid") ?? "";

async function firesOf(pixelId = 37) {
  await fixture.edge.drain();
  return fixture.edge.fireLog.fires(pixelId);
}

describe("GET /click with append_click_id", () => {
  it("appends pxclid to the landing URL, keeping its own query and fragment byte for byte", async () => {
    const { location, uuid2 } = await clickThrough();
    const clickId = clickIdOf(location);
    expect(location).toBe(
      `https://shop.example/spring?utm_source=ads&q=a%20b&pxclid=${clickId}#top`,
    );
    expect(clickId.length).toBeLessThanOrEqual(160);
    expect(clickId).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(decodeClickId(TEST_SECRET, clickId)).toEqual({
      advertiser_id: 2,
      line_item_id: 382,
      campaign_id: 17607,
      creative_id: 9,
      ts: T0,
      user_id: uuid2,
    });
  });

  it("adds a query to a landing URL without one", async () => {
    const { location } = await clickThrough("https://shop.example/");
    expect(location).toMatch(/^https:\/\/shop\.example\/\?pxclid=[A-Za-z0-9._-]+$/);
  });

  it("appends nothing for an advertiser without append_click_id (the default)", async () => {
    await new RedisPixelWriter(fixture.redis.client).putAdvertiser(advertiserDocument());
    forgetAdvertisers(fixture.edge);
    const { location } = await clickThrough();
    expect(location).toBe(LANDING);
  });

  it("appends nothing for an opted-out browser", async () => {
    const url = await signUrl(
      TEST_SECRET,
      `${BASE}/click?adv=2&li=382&redir=${encodeURIComponent(LANDING)}`,
      now,
    );
    const response = await get(url.slice(BASE.length), { Cookie: "uuid2=-1" });
    expect(response.headers.get("location")).toBe(LANDING);
  });
});

describe("/px with pxclid", () => {
  it("credits a cookieless fire to that click, with nothing stored for it", async () => {
    const { location, uuid2 } = await clickThrough();
    // Self-contained: even with the click's stored touch gone, the id alone credits it.
    await fixture.redis.client.del(keys.touches(uuid2, 2));
    now = T0 + 90 * MIN;
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
        imp_ts: T0,
      },
    ]);
  });

  it("credits nothing for a click id older than the pixel's click window", async () => {
    const { location } = await clickThrough();
    now = T0 + 20_161 * MIN; // the pixel's post-click window is 20160 minutes
    await get(`/px?id=37&pxclid=${clickIdOf(location)}`);
    expect(await firesOf()).toMatchObject([{ counted: false, reason: "no_touch" }]);
  });

  it("credits nothing for a pixel that is not on the click's line item", async () => {
    // The pixel moves from line item 382 (the click's) to line item 999.
    const writer = new RedisPixelWriter(fixture.redis.client);
    await writer.putLineItem(lineItemDocument({ pixels: [] }));
    await writer.putLineItem(lineItemDocument({ id: 999, name: "Other" }));
    const { location } = await clickThrough();
    await get(`/px?id=37&pxclid=${clickIdOf(location)}`);
    expect(await firesOf()).toMatchObject([{ counted: false, reason: "no_touch" }]);
  });

  it("under hybrid, the click id's click wins over a newer stored impression of the user", async () => {
    const { location, uuid2 } = await clickThrough();
    now = T0 + 10 * MIN;
    await fixture.edge.storage.touches.record([
      {
        type: "imp",
        user_id: uuid2,
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 5,
        creative_id: 5,
        ts: now,
      },
    ]);
    now = T0 + 20 * MIN;
    await get(`/px?id=37&pxclid=${clickIdOf(location)}`);
    expect(await firesOf()).toMatchObject([
      { counted: true, conversion_type: "click", campaign_id: 17607 },
    ]);
  });

  it.each([
    ["a changed character", (id: string) => id.replace(/.$/, (c) => (c === "A" ? "B" : "A"))],
    ["a changed line item", (id: string) => id.replace(".am.", ".an.")],
    ["a truncated id", (id: string) => id.slice(0, -5)],
    ["an id signed with another secret", () => foreignId()],
    ["garbage", () => "%00%0d%0a<script>"],
    ["a 500-character id", () => "x".repeat(500)],
  ])("with %s: credits nothing and still answers the GIF and the script", async (_name, tamper) => {
    const { location } = await clickThrough();
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
  });

  it("is ignored for an opted-out browser: an anonymous fire", async () => {
    const { location } = await clickThrough();
    await get(`/px?id=37&pxclid=${clickIdOf(location)}`, { Cookie: "uuid2=-1" });
    expect(await firesOf()).toMatchObject([{ user_id: "-1", counted: false }]);
  });
});

const foreignId = () =>
  encodeClickId("another deployment's secret", {
    advertiser_id: 2,
    line_item_id: 382,
    campaign_id: 17607,
    creative_id: 9,
    ts: T0,
    user_id: "42",
  });

describe("GET /sspx (Xandr's server-side pixel)", () => {
  it("credits the click its sspdata names, answers 200 and the GIF, sets no cookie", async () => {
    const { location, uuid2 } = await clickThrough();
    now = T0 + 60 * MIN;
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

  it("back-dates a conversion by ts (up to 7 days); one older records nothing", async () => {
    const { location } = await clickThrough();
    const DAY = 24 * 60 * MIN;
    now = T0 + 8 * DAY;
    const id = clickIdOf(location);
    const weekAgo = now - 7 * DAY;
    await get(`/sspx?id=37&order_id=OLD&ts=${weekAgo + 30 * MIN}&sspdata=${id}`);
    await get(`/sspx?id=37&order_id=TOO-OLD&ts=${weekAgo - MIN}&sspdata=${id}`);
    expect(await firesOf()).toMatchObject([
      { order_id: "OLD", ts: weekAgo + 30 * MIN, counted: true },
    ]);
  });

  it("records nothing on HEAD, and answers the GIF to anything", async () => {
    const { location } = await clickThrough();
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
    await new RedisPixelWriter(fixture.redis.client).putPixel(
      pixelDocument({ min_minutes_per_conv: 0 }),
    );
    const { location } = await clickThrough();
    const id = clickIdOf(location);
    for (const [i, path] of order.entries()) {
      now = T0 + (i + 1) * MIN;
      await get(
        path === "px"
          ? `/px?id=37&event_id=ev-1&pxclid=${id}`
          : `/sspx?id=37&event_id=ev-1&sspdata=${id}`,
      );
    }
    // Another event of the same user on the pixel still counts (min_minutes_per_conv 0).
    now = T0 + 3 * MIN;
    await get(`/sspx?id=37&event_id=ev-2&sspdata=${id}`);
    expect((await firesOf()).map((f) => [f.reason, f.counted])).toEqual([
      ["counted", true],
      ["duplicate_event", false],
      ["counted", true],
    ]);
  });

  it("counts the same event_id again 48 hours and a minute later", async () => {
    await new RedisPixelWriter(fixture.redis.client).putPixel(
      pixelDocument({ min_minutes_per_conv: 0 }),
    );
    const { location } = await clickThrough();
    const id = clickIdOf(location);
    await get(`/px?id=37&event_id=ev-1&pxclid=${id}`);
    now = T0 + (48 * 60 + 1) * MIN;
    await get(`/sspx?id=37&event_id=ev-1&sspdata=${id}`);
    expect((await firesOf()).map((f) => f.reason)).toEqual(["counted", "counted"]);
  });
});
