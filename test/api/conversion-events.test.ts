import { describe, expect, it } from "vitest";
import { MAX_PIXELS } from "../../src/api/conversion-events-route.js";
import { encodeClickId } from "../../src/signing/click-id.js";
import { twoMembers } from "../helpers/api-world.js";
import { startNodeEdge, TEST_SECRET, useNodeEdge } from "../helpers/node-edge.js";

// SPEC 12: server-side conversions, attributed by the same rules and script as /px.
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const MIN = 60_000;
let now = T0;
const fixture = useNodeEdge(() => now);

/** Member A's advertiser, line item and pixel (every conversion counts), and B's pixel. */
async function world(edge = fixture.edge) {
  now = T0;
  const w = await twoMembers(edge);
  const advertiser = (
    await w.a.post("/advertiser", { advertiser: { name: "Shop", append_click_id: true } })
  ).body.response.id as number;
  const pixel = (
    await w.a.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: { name: "Purchase", code: "purchase", min_minutes_per_conv: 0 },
    })
  ).body.response.id as number;
  const lineItem = (
    await w.a.post(`/line-item?advertiser_id=${advertiser}`, {
      "line-item": { name: "Spring", pixels: [{ id: pixel }] },
    })
  ).body.response.id as number;
  const bAdvertiser = (await w.b.post("/advertiser", { advertiser: { name: "B" } })).body.response
    .id as number;
  const bPixel = (await w.b.post(`/pixel?advertiser_id=${bAdvertiser}`, { pixel: { name: "B" } }))
    .body.response.id as number;
  const clickId = (minutesAgo = 10, user: string | null = "4242") =>
    encodeClickId(TEST_SECRET, {
      advertiser_id: advertiser,
      line_item_id: lineItem,
      campaign_id: null,
      creative_id: 9,
      ts: now - minutesAgo * MIN,
      user_id: user,
    });
  return { ...w, advertiser, pixel, lineItem, bPixel, clickId };
}

async function firesOf(pixelId: number, edge = fixture.edge) {
  await edge.drain();
  return edge.fireLog.fires(pixelId, { limit: 20_000 });
}

describe("POST /conversion-events", () => {
  it("credits a conversion to the click its click_id names, and one by user_id to the user's click", async () => {
    const { a, pixel, lineItem, advertiser, clickId } = await world();
    await a.post("/events", {
      events: [
        {
          type: "click",
          user_id: "77",
          advertiser_id: advertiser,
          line_item_id: lineItem,
          ts: now - 5 * MIN,
        },
      ],
    });
    const answer = await a.post("/conversion-events", {
      events: [
        { pixel_id: pixel, event_id: "ord-1", click_id: clickId(), order_id: "A-1", value: 49.9 },
        { pixel_code: "purchase", user_id: "77", ts: new Date(now - MIN).toISOString() },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.response).toEqual({ status: "OK", count: 2, rejected: [] });
    // Ingestion is not an API write: only RATE_LIMIT_EVENTS counts it.
    expect(answer.headers.get("x-count-write")).toBeNull();
    expect(answer.headers.get("x-count-events")).toBe("3");
    const fires = await firesOf(pixel);
    expect(fires).toHaveLength(2);
    expect(fires).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_id: "4242",
          order_id: "A-1",
          value: 49.9,
          counted: true,
          conversion_type: "click",
          line_item_id: lineItem,
          creative_id: 9,
          imp_ts: now - 10 * MIN,
        }),
        expect.objectContaining({
          user_id: "77",
          ts: now - MIN,
          counted: true,
          imp_ts: now - 5 * MIN,
        }),
      ]),
    );
  });

  it("refuses another member's pixel as not found, and records nothing on it", async () => {
    const { b, pixel, clickId } = await world();
    const answer = await b.post("/conversion-events", {
      events: [{ pixel_id: pixel, click_id: clickId() }],
    });
    expect(answer.body.response).toEqual({
      status: "OK",
      count: 0,
      rejected: [{ index: 0, error: `pixel_id: pixel ${pixel} not found` }],
    });
    expect(await firesOf(pixel)).toEqual([]);
  });

  it("gives no credit to a member's own pixel for another member's click", async () => {
    const { b, bPixel, clickId } = await world();
    const answer = await b.post("/conversion-events", {
      events: [{ pixel_id: bPixel, click_id: clickId() }],
    });
    expect(answer.body.response.count).toBe(1);
    expect(await firesOf(bPixel)).toMatchObject([{ counted: false }]);
  });

  it("refuses bad events one by one, with the index and the reason, and keeps the good ones", async () => {
    const { a, pixel, clickId } = await world();
    const good = clickId();
    const answer = await a.post("/conversion-events", {
      events: [
        { pixel_id: pixel, click_id: good, event_id: "ok-1" },
        { pixel_id: pixel, click_id: good, ts: now - 7 * 24 * 60 * MIN - MIN },
        { pixel_id: pixel, click_id: `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}` },
        { pixel_id: pixel },
        { pixel_id: 999_999, click_id: good },
        { pixel_id: pixel, click_id: good, event_id: "has space" },
        { pixel_id: pixel, click_id: good, ts: now + 10 * MIN },
        "not an object",
        { pixel_id: pixel, click_id: good, event_id: "ok-2" },
      ],
    });
    expect(answer.body.response).toEqual({
      status: "OK",
      count: 2,
      rejected: [
        { index: 1, error: "ts: more than 7 days old" },
        { index: 2, error: "click_id: not a click id of this service (tampered or truncated?)" },
        { index: 3, error: "click_id: a click_id or a user_id is required" },
        { index: 4, error: "pixel_id: pixel 999999 not found" },
        { index: 5, error: "event_id: must be 1-64 of A-Z a-z 0-9 . _ : -" },
        { index: 6, error: "ts: more than 5 minutes in the future" },
        { index: 7, error: expect.stringMatching(/^event: /) },
      ],
    });
    expect((await firesOf(pixel)).map((f) => f.counted)).toEqual([true, true]);
  });

  it("refuses an `other` PostgreSQL cannot hold, and a body nested too deep", async () => {
    const { a, pixel, clickId } = await world();
    const good = clickId();
    const answer = await a.post("/conversion-events", {
      events: [
        { pixel_id: pixel, click_id: good, event_id: "lone", other: "spring\ud800" },
        // Control characters are dropped from `other`, as /px drops them: U+0000 among them.
        { pixel_id: pixel, click_id: good, event_id: "nul", other: "a\u0000b" },
        { pixel_id: pixel, click_id: good, event_id: "pair", other: "😀" },
      ],
    });
    expect(answer.body.response).toEqual({
      status: "OK",
      count: 2,
      rejected: [{ index: 0, error: expect.stringMatching(/^other: contains a lone surrogate/) }],
    });
    expect((await firesOf(pixel)).map((f) => f.other).sort()).toEqual(["ab", "😀"]);

    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const nested = await a.call("POST", "/conversion-events", `{"events":${deep}}`);
    expect(nested.status).toBe(400);
    expect(nested.body.response.error).toMatch(/^body: nests /);
  });

  it("counts an event_id once, whether the server or the browser reports it first", async () => {
    const { a, pixel, clickId } = await world();
    const id = clickId();
    now = T0 + MIN;
    await a.post("/conversion-events", {
      events: [{ pixel_id: pixel, event_id: "e-1", click_id: id }],
    });
    now = T0 + 2 * MIN;
    await fixture.edge.app.request(`https://px.example/px?id=${pixel}&event_id=e-1&pxclid=${id}`);
    await fixture.edge.app.request(`https://px.example/px?id=${pixel}&event_id=e-2&pxclid=${id}`);
    now = T0 + 3 * MIN;
    await a.post("/conversion-events", {
      events: [{ pixel_id: pixel, event_id: "e-2", click_id: id }],
    });
    expect((await firesOf(pixel)).map((f) => f.reason)).toEqual([
      "counted",
      "duplicate_event",
      "counted",
      "duplicate_event",
    ]);
  });

  it("takes a batch of 10,000 conversions and attributes every one", async () => {
    const { a, pixel, clickId } = await world();
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      pixel_id: pixel,
      event_id: `e-${i}`,
      click_id: clickId(10, String(1000 + i)),
      order_id: `O-${i}`,
      value: 1,
    }));
    const started = performance.now();
    const answer = await a.post("/conversion-events", { events });
    const answered = performance.now() - started;
    const fires = await firesOf(pixel);
    const decided = performance.now() - started;
    console.log(
      `10,000 conversion events: answered in ${answered.toFixed(0)} ms, all decided and stored in ${decided.toFixed(0)} ms`,
    );
    expect(answer.body.response).toEqual({ status: "OK", count: 10_000, rejected: [] });
    expect(fires).toHaveLength(10_000);
    expect(fires.every((f) => f.counted && f.conversion_type === "click")).toBe(true);
    expect(new Set(fires.map((f) => f.user_id)).size).toBe(10_000);
  }, 60_000);

  it("refuses more than 10,000 events, and more than RATE_LIMIT_EVENTS a minute (with /events)", async () => {
    const edge = await startNodeEdge(fixture.redis.url, { RATE_LIMIT_EVENTS: "50" }, () => now);
    try {
      const { a, pixel, clickId } = await world(edge);
      const batch = (n: number) => ({
        events: Array.from({ length: n }, () => ({ pixel_id: pixel, click_id: clickId() })),
      });
      expect((await a.post("/conversion-events", batch(10_001))).status).toBe(400);
      expect((await a.post("/conversion-events", batch(40))).body.response.count).toBe(40);
      const over = await a.post("/conversion-events", batch(20));
      expect(over.status).toBe(429);
      expect(over.body.response.error_code).toBe("RATE_EXCEEDED");
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await edge.close();
    }
  });

  it(`reads at most ${MAX_PIXELS} distinct pixels a request, refusing events naming more`, async () => {
    const { a, pixel, clickId } = await world();
    const events = Array.from({ length: MAX_PIXELS + 5 }, (_, i) => ({
      pixel_id: i === 0 ? pixel : 1_000_000 + i,
      click_id: clickId(),
    }));
    const { count, rejected } = (await a.post("/conversion-events", { events })).body.response;
    expect(count).toBe(1);
    expect(rejected.at(-1)).toEqual({
      index: MAX_PIXELS + 4,
      error: `pixel_id: pixel ${1_000_000 + MAX_PIXELS + 4}: more than ${MAX_PIXELS} pixels in one request`,
    });
  });

  it("is in the OpenAPI document, beside the edge's /sspx", async () => {
    const doc = await (await fixture.edge.app.request("https://api.example/openapi.json")).json();
    expect(doc.paths["/conversion-events"].post.summary).toMatch(/Server-side conversions/);
    const names = doc.paths["/sspx"].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(["id", "sspdata", "event_id", "ts"]));
  });

  it("needs a token", async () => {
    const response = await fixture.edge.app.request("https://api.example/conversion-events", {
      method: "POST",
      body: JSON.stringify({ events: [] }),
    });
    expect(response.status).toBe(401);
  });
});
