import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { launchChromium } from "../helpers/chromium.js";
import { serveOnLoopback, startNodeEdge } from "../helpers/node-edge.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

// The dashboard in a real Chromium against the Node runtime on a real port, with the real
// clock: the page asks for "the last 30 days" as the browser sees them.
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let browser: Browser;
let base = "";
let pixel = 0;
let lineItem = 0;

/**
 * How long the page may take to show what it fetched: a login's password hash, a report's
 * thread started from source (0.3–2 s), on a machine that may be busy (expect.poll's own 1 s
 * failed under load).
 */
const POLL = { timeout: 15_000 };

const HOSTILE_NAME = `<img src=x onerror="window.pwned=1">`;

async function fire(query: string, user: string | null) {
  const headers: Record<string, string> = user ? { Cookie: `uuid2=${user}` } : {};
  await edge.app.request(`http://127.0.0.1/px?${query}`, { headers });
}

async function seed(a: ApiClient) {
  const advertiser = (await a.post("/advertiser", { advertiser: { name: "ProStarr" } })).body
    .response.id as number;
  pixel = (
    await a.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: { name: "Thank-you page", trigger_type: "hybrid", post_view_value: 1 },
    })
  ).body.response.id as number;
  await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: HOSTILE_NAME } });
  lineItem = (
    await a.post(`/line-item?advertiser_id=${advertiser}`, {
      "line-item": { name: "LI", pixels: [{ id: pixel }] },
    })
  ).body.response.id as number;
  const touch = (type: string, user: string) => ({
    type,
    user_id: user,
    advertiser_id: advertiser,
    line_item_id: lineItem,
    ts: Date.now() - 60_000,
  });
  await a.post("/events", { events: [touch("click", "111"), touch("imp", "222")] });
  // 3 fires: a post-click conversion worth 49.90, a post-view one (the pixel's 1.00) and one
  // from a browser without a cookie.
  await fire(`id=${pixel}&value=49.90`, "111");
  await fire(`id=${pixel}`, "222");
  await fire(`id=${pixel}`, null);
  await edge.drain();
}

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
  served = await serveOnLoopback(edge.app);
  base = served.origin;
  const { a } = await twoMembers(edge);
  await seed(a);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
  await edge?.close();
  await redis?.stop();
});

describe("GET /ui in Chromium", () => {
  it("signs in, lists the pixels with their tags, and charts the right totals", async () => {
    const context = await browser.newContext({
      timezoneId: "Asia/Kolkata",
      viewport: { width: 1100, height: 1400 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/ui`);
    await page.locator("#login").waitFor({ state: "visible" });

    await page.fill("#username", "alice");
    await page.fill("#password", "not her password");
    await page.click("#login button");
    await expect
      .poll(() => page.textContent("#login-error"), POLL)
      .toBe("Wrong username or password.");

    await page.fill("#password", "alice has a long password");
    await page.click("#login button");
    await page.locator("#app").waitFor({ state: "visible" });
    await expect
      .poll(() => page.textContent("#totals"), POLL)
      .toBe(
        "3 fires · 2 conversions (1 post-click, 1 post-view) · revenue 50.90 · 1 unattributed fires",
      );

    const pixels = await page.locator(".pixel h3").allTextContents();
    expect(pixels).toContain(`Thank-you page (id ${pixel})`);
    expect(pixels).toContain(`${HOSTILE_NAME} (id ${pixel + 1})`);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator(".pixel pre").allTextContents()).toContain(
      `<img src="${base}/px?id=${pixel}&t=2" width="1" height="1" alt="" />`,
    );

    // The chart's numbers (its table) add up to the totals, all on today's row.
    const rows = await page.$$eval("#per-day tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
    );
    expect(rows).toHaveLength(30);
    const sum = (column: number) => rows.reduce((s, r) => s + Number(r[column]), 0);
    expect([sum(1), sum(2), sum(3)]).toEqual([3, 1, 1]);
    expect(rows.at(-1)?.slice(1)).toEqual(["3", "1", "1", "50.90", "1"]);

    // The breakdown comes from the Report Service (POST /report, then polling for it).
    await expect
      .poll(
        () =>
          page.$$eval("#breakdown tr", (trs) =>
            trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
          ),
        POLL,
      )
      .toEqual([
        [`LI (${lineItem})`, "", "2", "1", "1", "50.90"],
        ["Not attributed", "", "1", "0", "0", "0.00"],
      ]);

    // Conversions have an axis of their own, so their lines are not flattened by the fires.
    expect(await page.getAttribute("#chart", "data-axes")).toBe("x,y,conversions");

    // And the chart is drawn: Chart.js painted the canvas.
    const painted = await page.$eval("#chart", (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const pixels = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(5000);

    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/dashboard.png", fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("is served with a strict Content-Security-Policy and no framing", async () => {
    const response = await fetch(`${base}/ui`);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)/);
  });
});
