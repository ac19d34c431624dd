import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandCalls, resetCommandStats } from "../helpers/command-stats.js";
import { touchOf } from "../helpers/documents.js";
import { startNodeEdge } from "../helpers/node-edge.js";
import { seedPixelAndTouches } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
});
afterAll(async () => {
  await edge?.close();
  await redis?.stop();
});

/** EVALSHA calls, and the EVAL that a script's first call falls back to. */
async function scriptCalls(): Promise<number> {
  const calls = await commandCalls(redis.client);
  return (calls.evalsha ?? 0) + (calls.eval ?? 0);
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const fire = (user: number) =>
  edge.app.request("https://px.example/px?id=37", { headers: { Cookie: `uuid2=${user}` } });

describe("batching of the edge's writes", () => {
  it("fires that arrive while a batch is being written go to Redis together in the next one", async () => {
    const now = Date.now();
    const users = Array.from({ length: 300 }, (_, i) => 1000 + i);
    await seedPixelAndTouches(
      redis.client,
      { min_minutes_per_conv: null },
      users.map((user) => touchOf("click", String(user), now - 60_000)),
    );
    await fire(999); // loads the scripts and the pixel config
    await edge.drain();
    await resetCommandStats(redis.client);

    // Redis holds back writing scripts for 300 ms: the first fire's batch stays in flight
    // while 300 more arrive, one per event-loop turn.
    await redis.client.call("CLIENT", "PAUSE", "300", "WRITE");
    await fire(998);
    await nextTurn();
    for (const user of users) {
      expect((await fire(user)).status).toBe(200);
      await nextTurn();
    }
    await edge.drain();

    // Two batches (the lone fire, then the 300), each one decision call and, once the event
    // store took it, one call forgetting those decisions (their logs go to the event store, not
    // to Redis): not 300 turns' worth.
    expect(await scriptCalls()).toBe(2 * 2);
    const fires = await edge.fireLog.fires(37);
    expect(
      fires.filter((f) => f.user_id === "998" || users.includes(Number(f.user_id))),
    ).toHaveLength(301);
    expect(await edge.fireLog.conversions(37, { limit: 1000 })).toHaveLength(300);
  });

  it("a full queue does not wait for the batch in flight", async () => {
    await resetCommandStats(redis.client);
    await redis.client.call("CLIENT", "PAUSE", "300", "WRITE");
    // 1,100 fires in one turn: the first 512 go at once, then the next 512, then the rest.
    const answers = await Promise.all(Array.from({ length: 1100 }, (_, i) => fire(5000 + i)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await edge.drain();
    // Three batches, each one decision call and one forgetting its decisions once stored.
    expect(await scriptCalls()).toBe(3 * 2);
  });
});
