import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attribute, EMPTY_REPEAT_STATE } from "../../src/attribution/attribute.js";
import { ineligibility } from "../../src/attribution/eligibility.js";
import { DAY_MS, EVENT_ID_MEMORY_MS, ORDER_ID_MEMORY_MS } from "../../src/attribution/limits.js";
import { afterCounted } from "../../src/attribution/repeat-rule.js";
import type { Decision, Fire, RepeatState, Touch } from "../../src/attribution/types.js";
import { lookbackWindows } from "../../src/attribution/windows.js";
import type { EdgePixel } from "../../src/pixels/pixel-document.js";
import { keys } from "../../src/storage/keys.js";
import { RedisAttributionStore } from "../../src/storage/redis/redis-attribution.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { REDIS_KINDS, startTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { MIN, T0 } from "./fixtures.js";

let redis: TestStorage;

const ADVERTISER = 2;
const windowMins = fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: 1, max: 240 }));

const pixelArb: fc.Arbitrary<EdgePixel> = fc.record({
  id: fc.integer({ min: 1, max: 5 }),
  member_id: fc.constant(1),
  advertiser_id: fc.constant(ADVERTISER),
  state: fc.constantFrom("active", "active", "active", "inactive"),
  trigger_type: fc.constantFrom("view", "click", "hybrid"),
  min_minutes_per_conv: fc.oneof(
    fc.constant(null),
    fc.constant(0),
    fc.integer({ min: 1, max: 90 }),
  ),
  post_view_expire_mins: windowMins,
  post_click_expire_mins: windowMins,
  post_view_value: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 })),
  post_click_value: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 })),
  line_items: fc.uniqueArray(
    fc.record({ id: fc.integer({ min: 1, max: 3 }), state: fc.constantFrom("active", "inactive") }),
    { selector: (li) => li.id, maxLength: 3 },
  ),
  piggyback_pixels: fc.constant([]),
  redirect_domains: fc.constant([]),
});

/**
 * Touch times that hit the edges: exactly at each window, a minute or a millisecond either
 * side, a few shared minutes (so equal times are common) and anything else.
 */
function touchArb(pixel: EdgePixel) {
  const { viewMs, clickMs } = lookbackWindows(pixel);
  const edges = [viewMs, clickMs].flatMap((w) => [w, w - MIN, w + MIN, w - 1, w + 1]);
  const agoMs = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, 5 * MIN, 10 * MIN) },
    { weight: 2, arbitrary: fc.constantFrom(...edges, -1) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 260 }).map((m) => m * MIN) },
  );
  return fc.record({
    /** Which fire the touch's time is measured back from, so later fires have touches too. */
    anchor: fc.nat(5),
    type: fc.constantFrom("imp", "click"),
    advertiser_id: fc.constantFrom(ADVERTISER, ADVERTISER, ADVERTISER, 3),
    line_item_id: fc.integer({ min: 1, max: 3 }),
    campaign_id: fc.constantFrom(null, 1, 2),
    creative_id: fc.constantFrom(null, 7),
    agoMs,
  });
}

/**
 * A click id's click for a fire (SPEC 12), or none: times at the click window's edges, on the
 * pixel's line items or not, sometimes another advertiser's.
 */
function clickIdArb(pixel: EdgePixel) {
  const { clickMs } = lookbackWindows(pixel);
  return fc.option(
    fc.record({
      advertiser_id: fc.constantFrom(ADVERTISER, ADVERTISER, ADVERTISER, 3),
      line_item_id: fc.integer({ min: 1, max: 3 }),
      campaign_id: fc.constantFrom(null, 1, 2),
      creative_id: fc.constantFrom(null, 7),
      agoMs: fc.oneof(
        fc.constantFrom(0, 5 * MIN, 10 * MIN, clickMs, clickMs + 1, clickMs - MIN, -1),
        fc.integer({ min: -5, max: 260 }).map((m) => m * MIN),
      ),
    }),
    { freq: 2 },
  );
}

function fireArb(pixel: EdgePixel) {
  return fc.record({
    // Negative gaps: a server event back-dated before the fire it follows.
    gapMs: fc.oneof(
      fc.constantFrom(0, ORDER_ID_MEMORY_MS, ORDER_ID_MEMORY_MS + 1),
      fc.constantFrom(EVENT_ID_MEMORY_MS, EVENT_ID_MEMORY_MS + 1, -EVENT_ID_MEMORY_MS, -30 * MIN),
      fc.integer({ min: 1, max: 120 }).map((m) => m * MIN),
    ),
    order_id: fc.constantFrom(null, "A-1", "A-1", "B-2"),
    event_id: fc.constantFrom(null, null, "ev-1", "ev-1", "ev-2"),
    value: fc.oneof(fc.constant(null), fc.constant(0), fc.constant(49.9)),
    click: clickIdArb(pixel),
  });
}

/** What a caller can observe of a decision. */
function observable(decision: Decision) {
  return {
    reason: decision.reason,
    credit: decision.attributed ? decision.credit : null,
    revenue: decision.counted ? decision.revenue : undefined,
  };
}

let nextUser = 1;

const scenarioArb = pixelArb.chain((pixel) =>
  fc.tuple(
    fc.constant(pixel),
    fc.array(touchArb(pixel), { maxLength: 8 }),
    fc.array(fireArb(pixel), { minLength: 1, maxLength: 6 }),
  ),
);

type Scenario = [EdgePixel, TouchSpec[], FireSpec[]];
type TouchSpec = ReturnType<typeof touchArb> extends fc.Arbitrary<infer T> ? T : never;
type FireSpec = ReturnType<typeof fireArb> extends fc.Arbitrary<infer T> ? T : never;

type IdentifiedFire = Fire & { id: string };

/** The click a click id names, `agoMs` before the fire. */
function clickTouch(
  { agoMs, ...ids }: NonNullable<FireSpec["click"]>,
  userId: string,
  fireTs: number,
): Touch {
  return { ...ids, type: "click", user_id: userId, ts: fireTs - agoMs };
}

/** Writes the scenario's touches for a new user; returns its fires and what the rules say. */
async function prepare([pixel, touchSpecs, fireSpecs]: Scenario) {
  const userId = String(nextUser++);
  const fireTimes: number[] = [];
  for (const [i, spec] of fireSpecs.entries())
    fireTimes.push(i === 0 ? T0 : (fireTimes[i - 1] ?? T0) + spec.gapMs);
  const touches: Touch[] = touchSpecs.map(({ agoMs, anchor, ...t }) => ({
    ...t,
    user_id: userId,
    ts: (fireTimes[anchor % fireTimes.length] ?? T0) - agoMs,
  }));
  // Recorded as of the earliest fire: a history is trimmed to 90 days before "now", and a
  // back-dated fire must find what it would have found then.
  await new RedisTouchStore(redis.client, () => Math.min(...fireTimes)).record(touches);
  const fires: IdentifiedFire[] = fireSpecs.map((spec, i) => {
    const ts = fireTimes[i] ?? T0;
    const click = spec.click ? clickTouch(spec.click, userId, ts) : null;
    return {
      id: `${userId}-${i}`,
      user_id: userId,
      ts,
      order_id: spec.order_id,
      event_id: spec.event_id,
      value: spec.value,
      click,
    };
  });
  let state: RepeatState = EMPTY_REPEAT_STATE;
  const expected = fires.map((fire) => {
    const decision = attribute({ pixel, touches, state, fire });
    if (decision.counted) state = afterCounted(state, fire);
    return observable(decision);
  });
  return { fires, expected };
}

/** How many decisions Redis remembers for a user's fires on a pixel, that fire's day. */
const decisionsKept = (userId: string, pixelId: number, ts: number) =>
  redis.client.hlen(keys.decisions(userId, pixelId, Math.floor(ts / DAY_MS)));

/** The Redis path for a batch: the history-free rules first, the script for the rest. */
async function decideInRedis(
  store: RedisAttributionStore,
  pixel: EdgePixel,
  fires: IdentifiedFire[],
): Promise<Decision[]> {
  const early = fires.map((fire) => ineligibility(pixel, fire));
  const toDecide = fires.filter((_, i) => !early[i]).map((fire) => ({ pixel, fire }));
  const decided = await store.decide(toDecide);
  return early.map((reason) =>
    reason ? { attributed: false, counted: false, reason } : (decided.shift() as Decision),
  );
}

describe.each(REDIS_KINDS)("on a %s, the Lua attribution script", (kind) => {
  beforeAll(async () => {
    redis = await startTestStorage(kind);
  }, 60_000);
  afterAll(async () => redis?.stop());

  it("on random histories, pixels and fires sent one at a time", async () => {
    const store = new RedisAttributionStore(redis.client);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { fires, expected } = await prepare(scenario);
        const actual: unknown[] = [];
        for (const fire of fires)
          actual.push(...(await decideInRedis(store, scenario[0], [fire])).map(observable));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("when a user's fires arrive together and share one script call", async () => {
    const store = new RedisAttributionStore(redis.client);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { fires, expected } = await prepare(scenario);
        const actual = await decideInRedis(store, scenario[0], fires);
        expect(actual.map(observable)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  // A fire decided again gets the very decision it got (reason, credit, revenue), whatever was
  // decided since: an order id that a later fire counted must not turn its "repeat_interval"
  // into "duplicate_order", nor a trimmed state turn "duplicate_order" into "counted".
  it("answers a fire decided again (a retry, a spool replay) as it did the first time", async () => {
    const store = new RedisAttributionStore(redis.client);
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.nat(), async (scenario, cut) => {
        const { fires, expected } = await prepare(scenario);
        await decideInRedis(store, scenario[0], fires);
        // Any run of them again, after every one was decided: nothing changes, nothing doubles.
        const again = fires.slice(cut % fires.length);
        const replayed = await decideInRedis(store, scenario[0], again);
        expect(replayed.map(observable)).toEqual(expected.slice(cut % fires.length));
      }),
      { numRuns: 1000 },
    );
  });

  // Once the store took a batch, its decisions are forgotten (a replay of it changes nothing
  // stored): what Redis keeps for a hot user is bounded by its repeat state, not by its fires.
  it("forgets decisions once their batch is stored", async () => {
    const store = new RedisAttributionStore(redis.client);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { fires } = await prepare(scenario);
        const [pixel] = scenario;
        const decided = fires.filter((fire) => !ineligibility(pixel, fire));
        await decideInRedis(store, pixel, fires);
        await store.forget(decided.map((fire) => ({ pixelId: pixel.id, fire })));
        for (const fire of decided)
          expect(await decisionsKept(fire.user_id, pixel.id, fire.ts)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
