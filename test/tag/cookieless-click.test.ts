import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUrl } from "../../src/signing/url-signature.js";
import { launchChromiumProfile } from "../helpers/chromium.js";
import { advertiserDocument, pixelDocument } from "../helpers/documents.js";
import {
  forgetAdvertisers,
  serveOnLoopback,
  startNodeEdge,
  TEST_SECRET,
} from "../helpers/node-edge.js";
import { startPageServer } from "../helpers/page-server.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { emptyStore } from "../helpers/test-store.js";

// SPEC 12 in a real Chromium whose profile blocks third-party cookies: an ad on one site, a
// click through the edge's /click to the advertiser's landing page on another, a thank-you
// page there firing through /tag.js. The edge is a third site, so its uuid2 never comes with
// the fire: only the click id in the landing URL (kept in a first-party cookie) can credit it.
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let site: Awaited<ReturnType<typeof startPageServer>>;
let edgeOrigin = "";
let shopOrigin = "";
let adOrigin = "";

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
  served = await serveOnLoopback(edge.app);
  site = await startPageServer();
  edgeOrigin = `http://edge.test:${new URL(served.origin).port}`;
  shopOrigin = `http://shop.test:${new URL(site.origin).port}`;
  adOrigin = `http://news.test:${new URL(site.origin).port}`;
});
afterAll(async () => {
  await site?.close();
  await served?.close();
  await edge?.close();
  await redis?.stop();
});
beforeEach(async () => {
  await edge.drain();
  await redis.reset();
  await emptyStore(edge.store.sql);
  edge.pixelCache.invalidate("*");
});

async function browser(blockThirdPartyCookies: boolean) {
  return launchChromiumProfile({
    blockThirdPartyCookies,
    hosts: ["edge.test", "shop.test", "news.test"],
    secureOrigins: [edgeOrigin],
  });
}

/** The ad, the landing page and the thank-you page; answers the signed click URL. */
async function publishPages(appendClickId: boolean): Promise<string> {
  await seedPixels(
    redis.client,
    [pixelDocument()],
    advertiserDocument({ append_click_id: appendClickId }),
  );
  forgetAdvertisers(edge);
  const landing = `${shopOrigin}/landing?utm_source=news`;
  const click = await signUrl(
    TEST_SECRET,
    `${edgeOrigin}/click?adv=2&li=382&cp=17607&cr=9&redir=${encodeURIComponent(landing)}`,
  );
  const tag = `<script async src="${edgeOrigin}/tag.js"></script>`;
  site.pages.set("/ad", `<!doctype html><a id="ad" href="${click}">Spring sale</a>`);
  site.pages.set("/landing", `<!doctype html><head>${tag}</head><a href="/thanks">Buy</a>`);
  site.pages.set(
    "/thanks",
    `<!doctype html><head><script>window.pxq = [["conv", 37, { order_id: "A-1001", value: 49.9 }]];</script>${tag}</head>thanks`,
  );
  return click;
}

/** Every request the page sends to the edge, with the Cookie header Chromium really sent. */
function edgeRequests(page: Page) {
  const seen: Array<{ url: URL; cookie: string }> = [];
  page.on("request", async (request) => {
    if (!request.url().startsWith(edgeOrigin)) return;
    seen.push({ url: new URL(request.url()), cookie: (await request.allHeaders()).cookie ?? "" });
  });
  return seen;
}

/** Clicks the ad, lands, and goes on to the thank-you page; answers what the fire sent. */
async function clickAndConvert(page: Page) {
  const seen = edgeRequests(page);
  await page.goto(`${adOrigin}/ad`);
  await page.click("#ad");
  await page.waitForURL(`${shopOrigin}/landing**`);
  await page.waitForFunction(() => !Array.isArray((window as { pxq?: unknown }).pxq));
  const landedAt = page.url();
  await page.click("a");
  await page.waitForURL(`${shopOrigin}/thanks`);
  await expect.poll(() => seen.filter((r) => r.url.pathname === "/px").length).toBe(1);
  const fire = seen.find((r) => r.url.pathname === "/px");
  await edge.drain();
  return { landedAt, fire, conversions: await edge.fireLog.fires(37) };
}

// By domain: Playwright's cookies(url) leaves Secure cookies out for an http URL.
const uuid2Of = async (context: Awaited<ReturnType<typeof browser>>) =>
  (await context.cookies()).find((c) => c.name === "uuid2" && c.domain === "edge.test")?.value ??
  null;

describe("a click through to a conversion with third-party cookies blocked", () => {
  it("is credited to the click by its click id, with no uuid2 sent or stored by the fire", async () => {
    await publishPages(true);
    const context = await browser(true);
    try {
      const page = await context.newPage();
      const { landedAt, fire, conversions } = await clickAndConvert(page);
      const clickId = new URL(landedAt).searchParams.get("pxclid");
      expect(clickId).toMatch(/^[A-Za-z0-9._-]{20,160}$/);
      expect(new URL(landedAt).searchParams.get("utm_source")).toBe("news");
      // The landing page kept it first-party, and the thank-you page's fire sent it.
      const kept = (await context.cookies(shopOrigin)).find((c) => c.name === "_pxclid");
      expect(kept).toMatchObject({ value: clickId, domain: ".shop.test", sameSite: "Lax" });
      expect(fire?.url.searchParams.get("pxclid")).toBe(clickId);
      // The block is real: the edge has a uuid2 from the click (a first-party visit), and the
      // third-party fire neither sent it nor stored the new one its answer offered.
      const clickUser = await uuid2Of(context);
      expect(clickUser).toMatch(/^\d+$/);
      expect(fire?.cookie).not.toMatch(/uuid2=/);
      expect(await uuid2Of(context)).toBe(clickUser);
      expect(conversions).toMatchObject([
        {
          user_id: clickUser,
          order_id: "A-1001",
          value: 49.9,
          counted: true,
          conversion_type: "click",
          line_item_id: 382,
          campaign_id: 17607,
          creative_id: 9,
        },
      ]);
    } finally {
      await context.closeAll();
    }
  });

  it("without append_click_id, the same visit converts unattributed", async () => {
    await publishPages(false);
    const context = await browser(true);
    try {
      const page = await context.newPage();
      const { landedAt, fire, conversions } = await clickAndConvert(page);
      expect(new URL(landedAt).searchParams.has("pxclid")).toBe(false);
      expect(fire?.url.searchParams.has("pxclid")).toBe(false);
      expect(fire?.cookie).not.toMatch(/uuid2=/);
      expect(conversions).toMatchObject([{ user_id: "0", counted: false, reason: "unknown_user" }]);
    } finally {
      await context.closeAll();
    }
  });

  it("(the check is sound: a profile that allows third-party cookies sends the uuid2)", async () => {
    await publishPages(false);
    const context = await browser(false);
    try {
      const page = await context.newPage();
      const { fire, conversions } = await clickAndConvert(page);
      const clickUser = await uuid2Of(context);
      expect(fire?.cookie).toContain(`uuid2=${clickUser}`);
      expect(conversions).toMatchObject([{ user_id: clickUser, counted: true }]);
    } finally {
      await context.closeAll();
    }
  });
});
