import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FireQueue } from "../../src/conversions/fire-queue.js";
import type { AcceptedFire } from "../../src/conversions/log-rows.js";
import { FileSpool } from "../../src/spool/file-spool.js";
import type { AttributionStore, FireLog } from "../../src/storage/ports.js";
import { RedisAttributionStore } from "../../src/storage/redis/redis-attribution.js";
import { RedisPixelConfigs } from "../../src/storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { edgePixel } from "../helpers/documents.js";
import { captureLog } from "../helpers/node-edge.js";
import { REDIS_KINDS, startTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { useTestStore } from "../helpers/test-store.js";

// The worst failure a write can have: the store did the work and the answer never came back
// (a timeout, a dropped connection). The edge cannot tell it from work not done, spools it, and
// replays it; the replay must change nothing. Here the real stores (Redis deciding, PostgreSQL
// storing) do their work and then the answer is thrown away, at each of the two steps.

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const pixel = edgePixel();
let redis: TestStorage;
let dir: string;
const store = useTestStore(() => NOW);
function useStorage(kind: (typeof REDIS_KINDS)[number]) {
  beforeAll(async () => {
    redis = await startTestStorage(kind);
  }, 60_000);
  afterAll(async () => redis?.stop());
  beforeEach(async () => {
    await redis.reset();
    await new RedisTouchStore(redis.client, () => NOW).record([
      {
        type: "click",
        user_id: "555",
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 1,
        creative_id: 1,
        ts: NOW - 60_000,
      },
    ]);
    dir = mkdtempSync(join(tmpdir(), "spool-"));
    return () => rmSync(dir, { recursive: true, force: true });
  });
}

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const [A, B, C] = [id(1), id(2), id(3)];
const fire = (id: string, user: string): AcceptedFire => ({
  id,
  ts: NOW,
  user_id: user,
  requested_pixel_id: 37,
  order_id: null,
  other: null,
  value: null,
});

/** Runs the real step, then loses its answer the first `times` calls. */
function losingAnswers<T extends object>(real: T, method: keyof T, times: number): T {
  let left = times;
  return new Proxy(real, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== method || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (left-- > 0) throw new Error("connection lost before the reply");
        return result;
      };
    },
  });
}

async function run(step: "decide" | "append") {
  const log = captureLog();
  const spool = await FileSpool.open({ path: join(dir, "spool.jsonl"), maxBytes: 1 << 20, log });
  const attribution: AttributionStore = new RedisAttributionStore(redis.client);
  const fireLog: FireLog = store.events;
  const queue = new FireQueue(
    {
      pixels: new RedisPixelConfigs(redis.client),
      touches: new RedisTouchStore(redis.client),
      attribution: step === "decide" ? losingAnswers(attribution, "decide", 2) : attribution,
      fireLog: step === "append" ? losingAnswers(fireLog, "append", 2) : fireLog,
    },
    log,
    { spool },
  );
  queue.record(fire(A, "555"), pixel); // counted: a click a minute ago
  queue.record(fire(B, "0"), pixel); // no cookie
  queue.record(fire(C, "555"), pixel); // the same user again: a repeat
  await queue.drain(true);
  await spool.close();
  const reader = store.events;
  return {
    log,
    fires: await reader.fires(37),
    conversions: await reader.conversions(37),
    counters: await reader.reportCounts(37, NOW - 3_600_000, NOW + 3_600_000),
    batches: await store.sql.query("SELECT writer, seq FROM applied_batches"),
  };
}

describe.each(REDIS_KINDS)("on a %s", (kind) => {
  useStorage(kind);
  describe.each(["decide", "append"] as const)("when the %s step's reply is lost twice", (step) => {
    it("replays from the spool and writes everything exactly once", async () => {
      const result = await run(step);
      const spooled = step === "decide" ? "write failed, spooling" : "store failed, spooling";
      expect(result.log.lines.filter((l) => l.msg === spooled)).toHaveLength(1);
      expect(result.fires.map((f) => [f.id, f.reason])).toEqual([
        [A, "counted"],
        [B, "unknown_user"],
        [C, "repeat_user"],
      ]);
      expect(result.conversions.map((c) => c.id)).toEqual([A]);
      expect(result.counters.map(([, c]) => [c.fires, c.post_click_convs])).toEqual([[3, 1]]);
      expect(result.batches).toHaveLength(1);
    });
  });
});
