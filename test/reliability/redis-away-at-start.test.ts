import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "../../src/node/find-redis.js";
import { freePort } from "../../src/node/free-port.js";
import { keys } from "../../src/storage/keys.js";
import { closeRedis, connectRedis } from "../../src/storage/redis/connect.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import { startServerProcess, until, useProcessScope } from "../helpers/server-process.js";
import { useTestStore } from "../helpers/test-store.js";

// SPEC 13 and 14, with the real server process: started while its Redis is away, it listens,
// answers and spools, and catches up when Redis comes; a Redis that refuses its password never
// gets that password printed.

const scope = useProcessScope("redis-away");
const { dir, started } = scope;
const store = useTestStore();

const serverEnv = (redisUrl: string, port: number, name: string) => ({
  PORT: String(port),
  REDIS_URL: redisUrl,
  DATABASE_URL: store.url,
  SPOOL_PATH: join(dir, `${name}.jsonl`),
  // No configured secret or admin: the first start makes both, which needs Redis (an earlier
  // version's objects and secret are taken from it first).
  SIGNING_SECRET: "",
  ADMIN_USERNAME: "",
  ADMIN_PASSWORD: "",
  ADMIN_LOGIN_FILE: join(dir, `${name}-admin-login.json`),
});

describe("a server started while Redis is away", () => {
  it("listens, answers, spools, and records the fires and makes its admin once Redis is there", async () => {
    const redisPort = await freePort();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startServerProcess(
      serverEnv(`redis://127.0.0.1:${redisPort}`, port, "away"),
      started,
    );
    const px = await fetch(`${base}/px?id=37&order_id=early`, {
      headers: { Cookie: "uuid2=4242" },
    });
    expect(px.status).toBe(200);
    expect((await px.arrayBuffer()).byteLength).toBe(43);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.redis).not.toBe("ok");
    const login = await fetch(`${base}/auth`, {
      method: "POST",
      body: JSON.stringify({ auth: { username: "admin", password: "whatever it is" } }),
    });
    expect(login.status).toBe(503);
    expect(login.headers.get("retry-after")).toBe("5");
    expect((await login.json()).response.error_id).toBe("SYSTEM");

    const redis = await startRedisServer(redisPort, null);
    started.push(redis.process);
    const client = connectRedis({ url: redis.url });
    try {
      await seedPixels(client);
      await until(async () => (await store.events.fires(37)).length === 1, 20_000);
      expect((await store.events.fires(37))[0]).toMatchObject({
        order_id: "early",
        user_id: "4242",
      });
      // The admin the first start made: its login kept where only its owner reads it.
      const file = join(dir, "away-admin-login.json");
      await until(() => existsSync(file), 10_000);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const signedIn = await fetch(`${base}/auth`, { method: "POST", body: readFileSync(file) });
      expect(signedIn.status).toBe(200);
      expect(server.output()).not.toContain(JSON.parse(readFileSync(file, "utf8")).auth.password);
      // The signing secret made then, kept in the store, with its copy in Redis.
      await until(
        async () => /^[0-9a-f]{64}$/.test((await client.get(keys.signingSecret)) ?? ""),
        10_000,
      );
      const [kept] = await store.sql.query<{ value: string }>(
        "SELECT value FROM service_settings WHERE name = 'signing_secret'",
      );
      expect(await client.get(keys.signingSecret)).toBe(kept?.value);
      await until(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000);
    } finally {
      await closeRedis(client);
    }
    expect(server.child.exitCode).toBeNull();
    expect(await server.stop()).toBe(0);
  }, 60_000);
});

describe("a server whose Redis refuses its password", () => {
  it("keeps answering and never prints the password", async () => {
    const redisPort = await freePort();
    // Started by hand: a PING without the password is refused, which startRedisServer waits on.
    const redis = spawn(
      "redis-server",
      [
        "--port",
        String(redisPort),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--requirepass",
        "the-right-one",
      ],
      { stdio: "ignore" },
    );
    started.push(redis);
    const right = connectRedis({ url: `redis://:the-right-one@127.0.0.1:${redisPort}` });
    await until(
      () =>
        right.ping().then(
          () => true,
          () => false,
        ),
      10_000,
    );
    await closeRedis(right);
    const port = await freePort();
    const secret = "Wr0ng-Passw0rd-4711";
    const server = await startServerProcess(
      serverEnv(`redis://:${secret}@127.0.0.1:${redisPort}`, port, "wrongpass"),
      started,
    );
    for (let i = 0; i < 5; i++) {
      const px = await fetch(`http://127.0.0.1:${port}/px?id=37`);
      expect(px.status).toBe(200);
      await px.arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a few reconnect attempts
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).toMatch(/WRONGPASS|NOAUTH|AUTH/);
    expect(server.output()).not.toContain(secret);
    await server.stop();
    expect(server.output()).not.toContain(secret);
  }, 60_000);
});
