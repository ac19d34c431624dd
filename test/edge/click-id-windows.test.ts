import { beforeEach, describe, expect, it } from "vitest";
import { clickIdOf, clickThrough, EDGE_ORIGIN } from "../helpers/click-through.js";
import { advertiserDocument, pixelDocument } from "../helpers/documents.js";
import { forgetAdvertisers, useNodeEdge } from "../helpers/node-edge.js";
import { EdgeCopyWriter, seedPixels } from "../helpers/seed-pixel.js";

// SPEC 12's windows for click ids, on a Node edge whose clock the tests move (click-ids.test.ts
// runs the rest of the contract under Node and the Worker, on the real clock).
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
let now = T0;
const fixture = useNodeEdge(() => now);

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

async function get(path: string) {
  const response = await fixture.edge.app.request(`${EDGE_ORIGIN}${path}`);
  await fixture.edge.drain();
  return response;
}
const click = () => clickThrough((url) => get(url.slice(EDGE_ORIGIN.length)), undefined, now);
const firesOf = () => fixture.edge.fireLog.fires(37);

describe("/px with pxclid", () => {
  it("credits nothing for a click id older than the pixel's click window", async () => {
    const { location } = await click();
    now = T0 + 20_161 * MIN; // the pixel's post-click window is 20160 minutes
    await get(`/px?id=37&pxclid=${clickIdOf(location)}`);
    expect(await firesOf()).toMatchObject([{ counted: false, reason: "no_touch" }]);
  });

  it("under hybrid, the click id's click wins over a newer stored impression of the user", async () => {
    const { location, uuid2 } = await click();
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
});

describe("GET /sspx's ts", () => {
  it("back-dates a conversion by ts (up to 7 days); one older records nothing", async () => {
    const { location } = await click();
    now = T0 + 8 * DAY;
    const id = clickIdOf(location);
    const weekAgo = now - 7 * DAY;
    await get(`/sspx?id=37&order_id=OLD&ts=${weekAgo + 30 * MIN}&sspdata=${id}`);
    await get(`/sspx?id=37&order_id=TOO-OLD&ts=${weekAgo - MIN}&sspdata=${id}`);
    expect(await firesOf()).toMatchObject([
      { order_id: "OLD", ts: weekAgo + 30 * MIN, counted: true },
    ]);
  });
});

describe("event_id", () => {
  it("counts the same event_id again 48 hours and a minute later", async () => {
    await new EdgeCopyWriter(fixture.redis.client).putPixel(
      pixelDocument({ min_minutes_per_conv: 0 }),
    );
    const { location } = await click();
    const id = clickIdOf(location);
    await get(`/px?id=37&event_id=ev-1&pxclid=${id}`);
    now = T0 + (48 * 60 + 1) * MIN;
    await get(`/sspx?id=37&event_id=ev-1&sspdata=${id}`);
    expect((await firesOf()).map((f) => f.reason)).toEqual(["counted", "counted"]);
  });
});
