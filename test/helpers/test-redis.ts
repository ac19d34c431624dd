import type { ChildProcess } from "node:child_process";
import { startRedisServer } from "../../src/node/find-redis.js";
import { freePort } from "../../src/node/free-port.js";
import { closeRedis, connectRedis, type RedisClient } from "../../src/storage/redis/connect.js";

export interface TestRedis {
  url: string;
  client: RedisClient;
  /** The redis-server this helper started (null with TEST_REDIS_URL). */
  process: ChildProcess | null;
  /** Empties the test's own Redis (never a Redis the test did not start or was given). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Redis for one test file: its own `redis-server` on a free port, or the one in
 * TEST_REDIS_URL (a Redis dedicated to tests: its selected database is emptied).
 */
export async function startTestRedis(): Promise<TestRedis> {
  let server: ChildProcess | null = null;
  let url = process.env.TEST_REDIS_URL;
  if (!url) {
    // DEBUG SLEEP lets tests make the server slow on purpose.
    const started = await startRedisServer(await freePort(), null, [
      "--enable-debug-command",
      "local",
    ]);
    server = started.process;
    url = started.url;
  }
  const client = connectRedis({ url });
  return {
    url,
    client,
    process: server,
    reset: async () => {
      await client.flushdb();
    },
    stop: async () => {
      await closeRedis(client);
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server?.once("exit", resolve));
        server.kill();
        await exited;
      }
    },
  };
}
