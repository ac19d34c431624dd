import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/attribution/limits.js";
import { FireQueue } from "../../src/conversions/fire-queue.js";
import type { AcceptedFire } from "../../src/conversions/log-rows.js";
import { FileSpool } from "../../src/spool/file-spool.js";
import { keys } from "../../src/storage/keys.js";
import type { AttributionStore } from "../../src/storage/ports.js";
import { duplicateRedis } from "../../src/storage/redis/connect.js";
import { RedisAttributionStore } from "../../src/storage/redis/redis-attribution.js";
import { RedisPixelConfigs } from "../../src/storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { edgePixel, touchOf } from "../helpers/documents.js";
import { captureLog } from "../helpers/node-edge.js";
import { until } from "../helpers/server-process.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { useTestStore } from "../helpers/test-store.js";

// A decision Redis made whose reply the edge did not get (a timeout while Redis was stopped, a
// dropped connection) is decided again when the spool replays it: it must come back as it was
// made, however many conversions the user had since (or in the same millisecond), while the
// user's state in Redis stays bounded. Real Redis, real event store, real spool file.

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
// min_minutes_per_conv 0: every attributed fire with a new (or no) order id counts.
const pixel = edgePixel({ min_minutes_per_conv: 0 });
let redis: TestRedis;
let dir: string;
const store = useTestStore(() => NOW);

beforeAll(async () => {
  redis = await startTestRedis();
}, 60_000);
afterAll(async () => redis?.stop());
beforeEach(async () => {
  await redis.reset();
  dir = mkdtempSync(join(tmpdir(), "replayed-"));
  return () => rmSync(dir, { recursive: true, force: true });
});

const users = (n: number) => Array.from({ length: n }, (_, i) => String(8100 + i));

let nextFire = 0;
function fire(user: string, ts: number, order_id: string | null = null): AcceptedFire {
  nextFire++;
  return {
    id: `00000000-0000-4000-8000-${String(nextFire).padStart(12, "0")}`,
    ts,
    user_id: user,
    requested_pixel_id: pixel.id,
    order_id,
    other: null,
    value: null,
  };
}

/** The Node edge's queue (batches gathered while one is written) over a spool file. */
async function edgeQueue(attribution: AttributionStore) {
  const spool = await FileSpool.open({
    path: join(dir, "spool.jsonl"),
    maxBytes: 64 << 20,
    log: captureLog(),
  });
  const queue = new FireQueue(
    {
      pixels: new RedisPixelConfigs(redis.client),
      touches: new RedisTouchStore(redis.client),
      attribution,
      fireLog: store.events,
    },
    captureLog(),
    { spool, gatherWhileWriting: true },
  );
  return { queue, spool };
}

/** Stored fires by reason. */
async function reasons(): Promise<Record<string, number>> {
  const rows = await store.sql.query<{ name: string; n: string }>(
    `SELECT r.name, count(*)::text AS n FROM fires f JOIN fire_reasons r ON r.code = f.reason
      GROUP BY r.name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

/** What Redis keeps per user afterwards: the repeat state's size, and decisions still held. */
async function kept(user: string, day: number) {
  return {
    state: await redis.client.zcard(keys.repeatState(user, pixel.id)),
    decisions: await redis.client.hlen(keys.decisions(user, pixel.id, day)),
  };
}

describe("a fire decided again after its reply was lost", () => {
  it("Redis stopped 3 s under 3,000 fires/s of 19 users: every fire counted, none repeat_interval", async () => {
    const people = users(19);
    await new RedisTouchStore(redis.client, () => NOW).record(
      people.map((user) => touchOf("click", user, NOW - 60_000)),
    );
    const { queue, spool } = await edgeQueue(new RedisAttributionStore(redis.client));
    const sleeper = duplicateRedis(redis.client);
    // The calls sent while Redis sleeps time out after 2 s (the client's command timeout) and
    // are spooled; Redis then runs them all, and the spool replays them after that.
    let sent = 0;
    const started = Date.now();
    let slept: Promise<unknown> | null = null;
    while (Date.now() - started < 4000) {
      for (let i = 0; i < 15; i++, sent++)
        queue.record(fire(people[sent % 19] ?? "", NOW + sent), pixel);
      if (!slept && Date.now() - started > 300)
        slept = sleeper.call("DEBUG", "SLEEP", "3").catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await slept;
    await queue.drain(true);
    await spool.close();
    sleeper.disconnect();
    const stored = await reasons();
    console.log(`Redis stopped 3 s, ${sent} fires of 19 users: stored ${JSON.stringify(stored)}`);
    expect(stored).toEqual({ counted: sent });
    const day = Math.floor(NOW / DAY_MS);
    await until(async () => (await kept(people[0] ?? "", day)).decisions === 0, 5000);
    for (const user of people) expect(await kept(user, day)).toEqual({ state: 1, decisions: 0 });
  }, 30_000);

  it("200 conversions of each of 5 users in one millisecond, each record's first reply lost: every one counted", async () => {
    const people = users(5);
    await new RedisTouchStore(redis.client, () => NOW).record(
      people.map((user) => touchOf("click", user, NOW - 60_000)),
    );
    const real = new RedisAttributionStore(redis.client);
    const answered = new Set<string>();
    const { queue, spool } = await edgeQueue({
      // Redis decides; the reply of a batch's first call never arrives.
      async decide(batch) {
        const decided = await real.decide(batch);
        const first = batch[0]?.fire.id ?? "";
        if (!answered.has(first)) {
          answered.add(first);
          throw new Error("connection lost before the reply");
        }
        return decided;
      },
      forget: (fires) => real.forget(fires),
    });
    const all = people.flatMap((user) =>
      Array.from({ length: 200 }, (_, i) => fire(user, NOW, `order-${user}-${i}`)),
    );
    for (const f of all) queue.record(f, pixel);
    await queue.drain(true);
    await spool.close();
    const stored = await reasons();
    console.log(`1,000 conversions in one ms, replies lost: stored ${JSON.stringify(stored)}`);
    expect(stored).toEqual({ counted: all.length });
    const day = Math.floor(NOW / DAY_MS);
    await until(async () => (await kept(people[0] ?? "", day)).decisions === 0, 5000);
    // 200 order ids and "last": bounded however many come.
    for (const user of people) expect(await kept(user, day)).toEqual({ state: 201, decisions: 0 });
  }, 30_000);
});
