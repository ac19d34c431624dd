import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/chromium.js";
import { serveOnLoopback, startNodeEdge } from "../helpers/node-edge.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

// /docs in a real Chromium with every request off this service refused (no network): Swagger
// UI must come from the service itself, run under its CSP, and show the whole API.
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let browser: Browser;

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
  served = await serveOnLoopback(edge.app);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await served?.close();
  await edge?.close();
  await redis?.stop();
});

describe("/docs", () => {
  it("renders the API offline, from its own assets, with no console error", async () => {
    const context = await browser.newContext();
    const elsewhere: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(served.origin)) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    const response = await page.goto(`${served.origin}/docs`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    expect(response?.headers()["content-security-policy"]).not.toContain("unsafe");
    await page.waitForSelector(".swagger-ui .info .title", { timeout: 20_000 });
    expect(await page.textContent(".swagger-ui .info .title")).toContain(
      "Conversion pixel service",
    );
    await page.waitForSelector(".opblock-summary-path");
    const paths = await page.$$eval(".opblock-summary-path", (els) =>
      els.map((e) => e.textContent?.trim()),
    );
    expect(paths).toEqual(expect.arrayContaining(["/pixel", "/conversion", "/px", "/auth"]));
    // Opening an operation shows its parameters.
    await page.click("#operations-conversion-get_conversion .opblock-summary");
    await page.waitForSelector("#operations-conversion-get_conversion .parameters");
    expect(await page.textContent("#operations-conversion-get_conversion .parameters")).toContain(
      "start_date",
    );
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
