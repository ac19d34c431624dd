import { describe, expect, it } from "vitest";
import { MAX_ADVERTISERS } from "../../src/api/event-ownership.js";
import { twoMembers } from "../helpers/api-world.js";
import { commandCalls, resetCommandStats } from "../helpers/command-stats.js";
import { startNodeEdge, useNodeEdge } from "../helpers/node-edge.js";

// SPEC 14: POST /events is limited per member (events a minute) and does bounded work.
const now = Date.UTC(2026, 10, 28, 12, 0, 0);
const fixture = useNodeEdge(() => now);

async function world(edge = fixture.edge) {
  const w = await twoMembers(edge);
  const advertiser = (await w.a.post("/advertiser", { advertiser: { name: "ProStarr" } })).body
    .response.id as number;
  const lineItem = (
    await w.a.post(`/line-item?advertiser_id=${advertiser}`, { "line-item": { name: "LI" } })
  ).body.response.id as number;
  const event = (i: number) => ({
    type: "imp",
    user_id: String(i + 1),
    advertiser_id: advertiser,
    line_item_id: lineItem,
    ts: now,
  });
  return { ...w, advertiser, lineItem, event };
}

describe("POST /events", () => {
  it("counts events, not requests, against RATE_LIMIT_EVENTS: over it, 429 with Retry-After", async () => {
    const edge = await startNodeEdge(fixture.redis.url, { RATE_LIMIT_EVENTS: "100" }, () => now);
    try {
      const { a, event } = await world(edge);
      const batch = (n: number) => ({ events: Array.from({ length: n }, (_, i) => event(i)) });
      const first = await a.post("/events", batch(60));
      expect(first.body.response.count).toBe(60);
      expect(first.headers.get("x-ratelimit-events")).toBe("100");
      expect(first.headers.get("x-count-events")).toBe("60");
      const over = await a.post("/events", batch(60));
      console.log(`RATE_LIMIT_EVENTS=100, 60 then 60 events: ${first.status}, then ${over.status}`);
      expect(over.status).toBe(429);
      expect(over.body.response).toMatchObject({
        status: "error",
        error_id: "SYSTEM",
        error_code: "RATE_EXCEEDED",
      });
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
      // A refused batch is not charged: what is left of the minute can still be used.
      const rest = await a.post("/events", batch(40));
      expect(rest.body.response.count).toBe(40);
      expect((await a.post("/events", batch(1))).status).toBe(429);
    } finally {
      await edge.close();
    }
  });

  it("resolves 10,000 random advertiser ids in bounded work, refusing each by index", async () => {
    const { a, b, event } = await world();
    const bAdvertiser = (await b.post("/advertiser", { advertiser: { name: "B" } })).body.response
      .id as number;
    const good = new Set([0, 5_000, 9_999]);
    const events = Array.from({ length: 10_000 }, (_, i) =>
      good.has(i)
        ? event(i)
        : i === 1
          ? { ...event(i), advertiser_id: bAdvertiser }
          : { ...event(i), advertiser_id: 1_000_000 + Math.floor(Math.random() * 1e9) },
    );
    await resetCommandStats(fixture.redis.client);
    const started = performance.now();
    const answer = await a.post("/events", { events });
    const ms = performance.now() - started;
    const calls = await commandCalls(fixture.redis.client);
    const reads = (calls.get ?? 0) + (calls.mget ?? 0);
    console.log(
      `10,000 events with random advertiser ids: ${ms.toFixed(0)} ms, ${reads} GET/MGET calls`,
    );
    // Bounded: a few reads for the whole batch (the session, the advertisers, the line items).
    expect(reads).toBeLessThan(10);
    expect(answer.status).toBe(200);
    const { count, rejected } = answer.body.response;
    expect(count).toBe(3);
    expect(rejected).toHaveLength(9_997);
    expect(rejected[0]).toEqual({
      index: 1,
      error: `advertiser_id: advertiser ${bAdvertiser} not found`,
    });
    // The first MAX_ADVERTISERS distinct ids are looked up; events naming more are refused.
    const cap = `advertiser_id: more than ${MAX_ADVERTISERS} advertisers in one request`;
    const errors = rejected.map((r: { error: string }) => r.error);
    expect(errors.slice(0, MAX_ADVERTISERS - 1).every((e: string) => /not found$/.test(e))).toBe(
      true,
    );
    expect(errors.slice(MAX_ADVERTISERS - 1).every((e: string) => e === cap)).toBe(true);
    expect(rejected.map((r: { index: number }) => r.index)).toEqual(
      events.flatMap((_, i) => (good.has(i) ? [] : [i])),
    );
  });
});
