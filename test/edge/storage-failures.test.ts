import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileSpool } from "../../src/spool/file-spool.js";
import { connectRedis } from "../../src/storage/redis/connect.js";
import { touchOf } from "../helpers/documents.js";
import { startNodeEdge } from "../helpers/node-edge.js";
import { seedPixelAndTouches } from "../helpers/seed-pixel.js";
import { startTestRedis } from "../helpers/test-redis.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setUp() {
  const redis = await startTestRedis();
  const edge = await startNodeEdge(redis.url, { EDGE_STORAGE_TIMEOUT_MS: "100" });
  cleanups.push(
    () => redis.stop(),
    () => edge.close(),
  );
  await seedPixelAndTouches(
    redis.client,
    { piggyback_pixels: [{ pixel_type: "img", url: "https://tags.example/p.gif" }] },
    [touchOf("click", "555", Date.now() - 60_000)],
  );
  return { redis, edge };
}

/** Blocks the Redis server for `seconds`, from a connection of its own. */
function blockRedis(url: string, seconds: number) {
  const blocker = connectRedis({ url, commandTimeoutMs: 10_000 });
  let over = false;
  const done = blocker.debug("SLEEP", seconds).finally(() => {
    over = true;
    blocker.disconnect();
  });
  return { done, isOver: () => over };
}

const px = (edge: Awaited<ReturnType<typeof startNodeEdge>>) =>
  edge.app.request("https://px.example/px?id=37", { headers: { Cookie: "uuid2=555" } });

describe("when Redis is slow or gone", () => {
  it("answers a cached pixel without waiting on the write, then records the fire", async () => {
    const { redis, edge } = await setUp();
    await px(edge); // warms the config cache and counts the one conversion
    await edge.drain();

    const block = blockRedis(redis.url, 1);
    await new Promise((r) => setTimeout(r, 50));
    const response = await px(edge);
    expect(block.isOver()).toBe(false);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://tags.example/p.gif");

    await block.done;
    await edge.drain();
    expect((await edge.fireLog.fires(37)).map((f) => f.reason)).toEqual(["counted", "repeat_user"]);
  });

  it("answers an uncached pixel after a bounded wait, and records it once Redis is back", async () => {
    const { redis, edge } = await setUp();
    const block = blockRedis(redis.url, 1);
    await new Promise((r) => setTimeout(r, 50));
    const response = await px(edge);
    expect(block.isOver()).toBe(false);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");

    await block.done;
    await edge.drain();
    expect(await edge.fireLog.conversions(37)).toHaveLength(1);
  });

  it("keeps answering every edge route when Redis is down", async () => {
    const { redis, edge } = await setUp();
    await redis.stop();
    const started = Date.now();
    const answers = await Promise.all([
      px(edge),
      edge.app.request("https://px.example/px?id=38&t=1"),
      edge.app.request("https://px.example/imp?adv=2&li=382&sig=00"),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.headers.get("content-type"))).toEqual([
      "image/gif",
      "application/javascript; charset=utf-8",
      "image/gif",
    ]);
    expect(Date.now() - started).toBeLessThan(2_000); // bounded, not hung
    await edge.drain();
    expect(edge.log.lines.some((l) => l.msg === "not recorded")).toBe(true);
  });
});

describe("/healthz and /readyz", () => {
  it("are both 200 while Redis answers and the spool has room", async () => {
    const { edge } = await setUp();
    expect((await edge.app.request("/healthz")).status).toBe(200);
    const ready = await edge.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ok",
      checks: { redis: "ok", store: "ok", spool: "ok" },
      dead_letters: 0,
    });
  });

  it("/readyz is 503 naming Redis when it does not answer; /healthz stays 200", async () => {
    const { redis, edge } = await setUp();
    const blocked = blockRedis(redis.url, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const ready = await edge.app.request("/readyz");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.redis).toBe("no answer within 500 ms");
    expect((await edge.app.request("/healthz")).status).toBe(200);
    await blocked.done;
  });

  it("/readyz is 503 naming the spool when it is full", async () => {
    const redis = await startTestRedis();
    const dir = mkdtempSync(join(tmpdir(), "spool-"));
    const spool = await FileSpool.open({
      path: join(dir, "s.jsonl"),
      maxBytes: 1024,
      log: () => {},
    });
    const edge = await startNodeEdge(redis.url, {}, undefined, { spool });
    cleanups.push(
      async () => rmSync(dir, { recursive: true, force: true }),
      () => redis.stop(),
      () => spool.close(),
      () => edge.close(),
    );
    const touch = touchOf("imp", "555", Date.now());
    while (
      spool.add({ kind: "touches", batch: { writer: "w", seq: spool.size + 1 }, touches: [touch] })
    );
    const ready = await edge.app.request("/readyz");
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.spool).toMatch(
      /^full \(\d+ bytes\): new fires are not kept$/,
    );
  });
});
