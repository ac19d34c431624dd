import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chooseRedis, type RedisChoice } from "../../src/node/find-redis.js";
import { freePort } from "../../src/node/free-port.js";
import { startTestRedis } from "../helpers/test-redis.js";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function stopWhenDone(choice: RedisChoice) {
  if ("started" in choice && choice.started) {
    const child = choice.started;
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill();
        }),
    );
  }
}

describe("how npm start finds Redis (SPEC section 1)", () => {
  it("uses REDIS_URL when it is set", async () => {
    const choice = await chooseRedis({
      redisUrl: "redis://db.example:6390",
      localDir: ".x",
      localPort: 1,
    });
    expect(choice).toEqual({ kind: "configured", url: "redis://db.example:6390" });
  });

  it("uses a Redis answering on the machine's port", async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const port = Number(new URL(redis.url).port);
    const choice = await chooseRedis({
      redisUrl: null,
      localDir: ".x",
      localPort: 1,
      sharedPort: port,
    });
    expect(choice).toEqual({ kind: "local", url: redis.url });
  });

  it("otherwise starts a private redis-server that keeps its data in an append-only file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "px-data-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const localPort = await freePort();
    const choice = await chooseRedis({
      redisUrl: null,
      localDir: dir,
      localPort,
      sharedPort: await freePort(),
    });
    stopWhenDone(choice);
    expect(choice).toMatchObject({ kind: "private", url: `redis://127.0.0.1:${localPort}` });
    expect(existsSync(join(dir, "appendonlydir"))).toBe(true);
  });

  it("otherwise says in one line how to install Redis", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const choice = await chooseRedis({
        redisUrl: null,
        localDir: ".x",
        localPort: await freePort(),
        sharedPort: await freePort(),
      });
      expect(choice.kind).toBe("missing");
      expect("message" in choice && choice.message).toMatch(
        /^No Redis found: .*apt-get install redis-server.*$/,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
