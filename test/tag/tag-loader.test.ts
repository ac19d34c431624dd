import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { launchChromium } from "../helpers/chromium.js";
import { pixelDocument } from "../helpers/documents.js";
import { serveOnLoopback, startNodeEdge } from "../helpers/node-edge.js";
import { startPageServer } from "../helpers/page-server.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { emptyStore } from "../helpers/test-store.js";

// The loader in a real Chromium: the advertiser's page is on one local origin, the edge (the
// Node runtime, as `npm start` serves it) on another.
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let site: Awaited<ReturnType<typeof startPageServer>>;
let browser: Browser;
let context: BrowserContext;
let edgeOrigin = "";

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
  served = await serveOnLoopback(edge.app);
  edgeOrigin = served.origin;
  site = await startPageServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await served?.close();
  await edge?.close();
  await redis?.stop();
});
beforeEach(async () => {
  await context?.close();
  context = await browser.newContext();
  site.hits.length = 0;
  await edge.drain();
  await redis.reset();
  await emptyStore(edge.store.sql);
  // Pixel 37 has an image and a script piggyback on the advertiser's site; 38 has code "signup".
  await seedPixels(redis.client, [
    pixelDocument({
      piggyback_pixels: [
        { url: `${site.origin}/piggy.gif?from=37`, pixel_type: "img" },
        { url: `${site.origin}/piggy.js?from=37`, pixel_type: "js" },
      ],
    }),
    pixelDocument({ id: 38, code: "signup", name: "Sign-up" }),
  ]);
});

/** Opens a page of the advertiser's site; `head` runs before the loader arrives. */
async function openPage(
  head: string,
  options: { init?: () => void; query?: string } = {},
): Promise<{ page: Page; px: URL[]; errors: string[] }> {
  const path = `/page-${Math.random().toString(36).slice(2)}`;
  site.pages.set(
    path,
    `<!doctype html><html><head><script>${head}</script>` +
      `<script async src="${edgeOrigin}/tag.js"></script></head><body>thanks</body></html>`,
  );
  const page = await context.newPage();
  if (options.init) await page.addInitScript(options.init);
  const px: URL[] = [];
  const errors: string[] = [];
  page.on("request", (request) => {
    if (request.url().startsWith(`${edgeOrigin}/px?`)) px.push(new URL(request.url()));
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${site.origin}${path}${options.query ?? ""}`);
  await page.waitForFunction(() => !Array.isArray((window as { pxq?: unknown }).pxq));
  return { page, px, errors };
}

/** A TCF v2 CMP that answers "no consent for purpose 1" a moment after it is asked. */
const DENYING_CMP = `window.__tcfapi = function (command, version, callback) {
  if (command !== "addEventListener") return;
  setTimeout(function () {
    callback({ eventStatus: "tcloaded", gdprApplies: true, listenerId: 1,
               purpose: { consents: { 1: false } } }, true);
    window.cmpAnswered = true;
  }, 20);
};`;

async function firesOf(pixelId: number) {
  await edge.drain();
  return edge.fireLog.fires(pixelId);
}

describe("the /tag.js loader in Chromium", () => {
  it("replays queued calls, fires later ones at once, sets the cookie and runs piggybacks", async () => {
    const { page, px, errors } = await openPage(
      `window.pxq = window.pxq || [];
       pxq.push(["conv", 37, { value: 49.9, order_id: "A-1001", other: "spring & co=1" }]);`,
    );
    await page.waitForFunction(() => (window as { piggyRuns?: number }).piggyRuns === 1);
    await expect.poll(() => site.hits.filter((h) => h.startsWith("/piggy.gif")).length).toBe(1);
    const cookies = await context.cookies(edgeOrigin);
    const uuid2 = cookies.find((c) => c.name === "uuid2")?.value ?? "";
    expect(uuid2).toMatch(/^\d+$/);

    // A click for this browser, then a later call: it fires at once, by code, and counts.
    await new RedisTouchStore(redis.client).record([
      {
        type: "click",
        user_id: uuid2,
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 1,
        creative_id: 1,
        ts: Date.now() - 60_000,
      },
    ]);
    await page.evaluate(() =>
      (window as unknown as { pxq: { push(c: unknown): void } }).pxq.push([
        "conv",
        "signup",
        { member: 1, order_id: "B-2" },
      ]),
    );
    await expect.poll(() => px.length).toBe(2);
    expect(px[0]?.searchParams.get("t")).toBe("1");
    expect(px[0]?.searchParams.get("other")).toBe("spring & co=1");
    expect(px[1]?.searchParams.get("code")).toBe("signup");
    expect(px[1]?.searchParams.get("member")).toBe("1");

    const [queued] = await firesOf(37);
    expect(queued).toMatchObject({
      user_id: "0", // the first fire came without a cookie
      order_id: "A-1001",
      value: 49.9,
      other: "spring & co=1",
    });
    await expect.poll(async () => (await firesOf(38)).length).toBe(1);
    const [later] = await firesOf(38);
    expect(later).toMatchObject({
      user_id: uuid2,
      order_id: "B-2",
      counted: true,
      conversion_type: "click",
    });
    expect(errors).toEqual([]);
  });

  it("never throws into the page: bad calls are dropped and later ones still fire", async () => {
    const { page, px, errors } = await openPage(
      `window.pxq = [];
       pxq.push(null, "conv", ["conv"], ["conv", {}], ["conv", "no-member-code"], ["track", 37]);
       var hostile = {}; Object.defineProperty(hostile, "value", { get: function () { throw new Error("boom"); } });
       pxq.push(["conv", 37, hostile]);
       pxq.push(["conv", 38, { order_id: "after-bad" }]);
       window.afterPush = true;`,
    );
    await expect.poll(() => px.length).toBe(1);
    expect(px[0]?.searchParams.get("id")).toBe("38");
    expect(await page.evaluate(() => (window as { afterPush?: boolean }).afterPush)).toBe(true);
    expect(errors).toEqual([]);
    expect((await firesOf(38)).map((f) => f.order_id)).toEqual(["after-bad"]);
  });

  it("with a TCF v2 CMP that denies purpose 1, fires nothing", async () => {
    const { page, px } = await openPage(
      `${DENYING_CMP}
       window.pxq = [["conv", 37, { order_id: "denied" }]];`,
    );
    await page.waitForFunction(() => (window as { cmpAnswered?: boolean }).cmpAnswered === true);
    await page.evaluate(() =>
      (window as unknown as { pxq: { push(c: unknown): void } }).pxq.push(["conv", 38]),
    );
    // Long enough for a fire the loader wrongly sent to reach the edge and show below.
    await page.waitForTimeout(300);
    // The image tag pixel on the same page is the advertiser's own choice: it still fires.
    await page.evaluate(
      (src) => new Promise((resolve) => Object.assign(new Image(), { onload: resolve, src })),
      `${edgeOrigin}/px?id=38&t=2&order_id=img-tag`,
    );
    expect(px.map((u) => u.searchParams.get("order_id"))).toEqual(["img-tag"]);
    expect(await firesOf(37)).toEqual([]);
    expect((await firesOf(38)).map((f) => f.order_id)).toEqual(["img-tag"]);
  });

  it("with a CMP that asks first and then grants purpose 1, fires the waiting calls", async () => {
    const { page, px } = await openPage(
      `window.__tcfapi = function (command, version, callback) {
         if (command !== "addEventListener") return;
         setTimeout(function () {
           callback({ eventStatus: "cmpuishown", gdprApplies: true, listenerId: 1,
                      purpose: { consents: {} } }, true);
           window.uiShown = true;
         }, 20);
         // The user answers when the test says so, not after a delay a busy machine outruns.
         window.grant = function () {
           callback({ eventStatus: "useractioncomplete", gdprApplies: true, listenerId: 1,
                      purpose: { consents: { 1: true } } }, true);
         };
       };
       window.pxq = [["conv", 37, { order_id: "granted" }]];`,
    );
    await page.waitForFunction(() => (window as { uiShown?: boolean }).uiShown === true);
    await page.waitForTimeout(200);
    expect(px).toEqual([]); // still waiting for the user's answer
    await page.evaluate(() => (window as unknown as { grant(): void }).grant());
    await expect.poll(() => px.length).toBe(1);
    await page.waitForFunction(() => (window as { piggyRuns?: number }).piggyRuns === 1);
    expect((await firesOf(37)).map((f) => f.order_id)).toEqual(["granted"]);
  });

  it("honours navigator.globalPrivacyControl like Sec-GPC: an anonymous fire, no cookie", async () => {
    const { px } = await openPage(`window.pxq = [["conv", 37, { order_id: "gpc" }]];`, {
      init: () => Object.defineProperty(navigator, "globalPrivacyControl", { value: true }),
    });
    await expect.poll(() => px.length).toBe(1);
    expect(px[0]?.searchParams.get("gpc")).toBe("1");
    await expect.poll(async () => (await firesOf(37)).length).toBe(1);
    const [fire] = await firesOf(37);
    expect(fire).toMatchObject({ user_id: "-1", order_id: null });
    expect(await context.cookies(edgeOrigin)).toEqual([]);
  });

  it("an <img> tag pixel on the same page fires beside the loader, under the same cookie", async () => {
    const { page, px } = await openPage(`window.pxq = [["conv", 37, { order_id: "js" }]];`);
    await expect.poll(() => px.length).toBe(1);
    await page.waitForFunction(() => (window as { piggyRuns?: number }).piggyRuns === 1);
    await page.evaluate(
      (src) => new Promise((resolve) => Object.assign(new Image(), { onload: resolve, src })),
      `${edgeOrigin}/px?id=38&t=2&order_id=img`,
    );
    const uuid2 = (await context.cookies(edgeOrigin)).find((c) => c.name === "uuid2")?.value;
    const [img] = await firesOf(38);
    expect(img).toMatchObject({ order_id: "img", user_id: uuid2 });
  });

  describe("a pxclid in the page URL (SPEC 12)", () => {
    const CLICK_ID = "1.2.am.dkr.9.mi7a8bk0.d16.AAAAAAAAAAAAAAAAAAAAAA";
    const kept = async () =>
      (await context.cookies(site.origin)).find((c) => c.name === "_pxclid")?.value;

    it("is kept in a first-party cookie for 90 days and sent with every fire", async () => {
      const { page, px } = await openPage(`window.pxq = [["conv", 37]];`, {
        query: `?a=1&pxclid=${CLICK_ID}`,
      });
      await expect.poll(() => px.length).toBe(1);
      expect(px[0]?.searchParams.get("pxclid")).toBe(CLICK_ID);
      const cookie = (await context.cookies(site.origin)).find((c) => c.name === "_pxclid");
      expect(cookie?.value).toBe(CLICK_ID);
      expect((cookie?.expires ?? 0) - Date.now() / 1000).toBeGreaterThan(89 * 86_400);
      // A later page of the site, without it in the URL, still sends it.
      const later = await openPage(`window.pxq = [["conv", 38, { event_id: "ev-1" }]];`);
      await expect.poll(() => later.px.length).toBe(1);
      expect(later.px[0]?.searchParams.get("pxclid")).toBe(CLICK_ID);
      expect(later.px[0]?.searchParams.get("event_id")).toBe("ev-1");
      await page.close();
    });

    it("is neither kept nor sent without TCF consent", async () => {
      const { page } = await openPage(
        `${DENYING_CMP}
         window.pxq = [["conv", 37]];`,
        { query: `?pxclid=${CLICK_ID}` },
      );
      await page.waitForFunction(() => (window as { cmpAnswered?: boolean }).cmpAnswered === true);
      expect(await kept()).toBeUndefined();
    });

    it("is neither kept nor sent under Global Privacy Control", async () => {
      const { px } = await openPage(`window.pxq = [["conv", 37]];`, {
        query: `?pxclid=${CLICK_ID}`,
        init: () => Object.defineProperty(navigator, "globalPrivacyControl", { value: true }),
      });
      await expect.poll(() => px.length).toBe(1);
      expect(px[0]?.searchParams.has("pxclid")).toBe(false);
      expect(await kept()).toBeUndefined();
    });
  });
});
