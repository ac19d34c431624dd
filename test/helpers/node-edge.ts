import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { readConfig } from "../../src/config.js";
import { guardedCreateServer } from "../../src/node/guarded-server.js";
import { createNodeRuntime, type NodeRuntime } from "../../src/node/node-runtime.js";
import { type OpenedStore, openStore } from "../../src/node/open-store.js";
import type { Spool } from "../../src/spool/spool.js";
import type { Logger } from "../../src/storage/ports.js";
import { connectRedis, type RedisClient } from "../../src/storage/redis/connect.js";
import { createTestDatabase } from "./test-database.js";
import { startTestRedis, type TestRedis } from "./test-redis.js";
import { emptyStore } from "./test-store.js";

export const TEST_SECRET = "test-signing-secret";

/** Log lines a test can inspect instead of printing them, and when each was written. */
export function captureLog(): Logger & { lines: Record<string, unknown>[]; times: number[] } {
  const lines: Record<string, unknown>[] = [];
  const times: number[] = [];
  const log = (entry: Record<string, unknown>) => {
    lines.push(entry);
    times.push(Date.now());
  };
  return Object.assign(log, { lines, times });
}

/**
 * The Node edge wired exactly as src/server.ts wires it, on a test Redis, with its own
 * connection (as a separate edge process would have), and a test database of its own unless
 * `env.DATABASE_URL` names one to share.
 */
export async function startNodeEdge(
  redisUrl: string,
  env: Record<string, string> = {},
  clock?: () => number,
  options: { spool?: Spool } = {},
): Promise<
  NodeRuntime & {
    redis: RedisClient;
    log: ReturnType<typeof captureLog>;
    store: OpenedStore;
    /** The test database it writes: another edge given it as DATABASE_URL shares it. */
    databaseUrl: string;
  }
> {
  const database = env.DATABASE_URL ? null : await createTestDatabase();
  const config = readConfig({
    SIGNING_SECRET: TEST_SECRET,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const redis = connectRedis({ url: redisUrl });
  const log = captureLog();
  redis.on("error", (error: Error) => log({ level: "warn", msg: "redis", error: error.message }));
  const store = await openStore(config, log, clock ?? Date.now);
  await store.ready;
  const runtime = await createNodeRuntime(config, redis, store, log, {
    ...(clock ? { clock } : {}),
    spool: options.spool ?? null,
  });
  return {
    ...runtime,
    redis,
    log,
    store,
    databaseUrl: config.databaseUrl ?? "",
    async close() {
      await runtime.close();
      redis.disconnect();
      await store.close();
      await database?.drop();
    },
  };
}

/**
 * Registers the hooks of a test file that drives one Node edge on its own Redis: started
 * before the tests, emptied (after the edge's pending writes) before each (unless the file's
 * tests only read what its `beforeAll` wrote), stopped after.
 */
export function useNodeEdge(
  clock?: () => number,
  options: { resetBeforeEach?: boolean; env?: Record<string, string> } = {},
): {
  readonly redis: TestRedis;
  readonly edge: Awaited<ReturnType<typeof startNodeEdge>>;
} {
  let redis: TestRedis | undefined;
  let edge: Awaited<ReturnType<typeof startNodeEdge>> | undefined;
  beforeAll(async () => {
    redis = await startTestRedis();
    edge = await startNodeEdge(redis.url, options.env, clock);
  });
  afterAll(async () => {
    await edge?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    if (options.resetBeforeEach === false) return;
    await edge?.drain(); // no write of an earlier test may land after the reset
    await redis?.reset();
    if (edge) await emptyStore(edge.store.sql);
  });
  return {
    get redis() {
      if (!redis) throw new Error("the test Redis is not started yet");
      return redis;
    },
    get edge() {
      if (!edge) throw new Error("the edge is not started yet");
      return edge;
    },
  };
}

/** Serves an app on a free loopback port, as src/server.ts serves it. */
export async function serveOnLoopback(
  app: Hono,
  log: Logger = () => {},
): Promise<{ origin: string; server: Server; close(): Promise<void> }> {
  let server: ReturnType<typeof serve> | undefined;
  await new Promise<void>((resolve) => {
    server = serve(
      {
        fetch: app.fetch,
        port: 0,
        hostname: "127.0.0.1",
        createServer: guardedCreateServer(log),
      },
      () => resolve(),
    );
  });
  const http = server as Server;
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    server: http,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

/**
 * Forgets the edge's cached advertiser settings, as the change notice of a write does a moment
 * later: a test that rewrites an advertiser and clicks at once must not race that notice.
 */
export function forgetAdvertisers(edge: NodeRuntime): void {
  edge.advertiserCache.invalidate();
}
