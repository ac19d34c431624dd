import { readConfig } from "../../src/config.js";
import type { Logger } from "../../src/deps.js";
import { createNodeRuntime, type NodeRuntime } from "../../src/node/node-runtime.js";
import { connectRedis, type RedisClient } from "../../src/storage/redis/connect.js";

export const TEST_SECRET = "test-signing-secret";

/** Log lines a test can inspect instead of printing them. */
export function captureLog(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return Object.assign((entry: Record<string, unknown>) => void lines.push(entry), { lines });
}

/**
 * The Node edge wired exactly as src/server.ts wires it, on a test Redis, with its own
 * connection (as a separate edge process would have).
 */
export async function startNodeEdge(
  redisUrl: string,
  env: Record<string, string> = {},
  clock?: () => number,
): Promise<NodeRuntime & { redis: RedisClient; log: ReturnType<typeof captureLog> }> {
  const config = readConfig({ SIGNING_SECRET: TEST_SECRET, ...env });
  const redis = connectRedis({ url: redisUrl });
  const log = captureLog();
  redis.on("error", (error: Error) => log({ level: "warn", msg: "redis", error: error.message }));
  const runtime = await createNodeRuntime(config, redis, log, clock);
  return {
    ...runtime,
    redis,
    log,
    async close() {
      await runtime.close();
      redis.disconnect();
    },
  };
}
