import type { ChildProcess } from "node:child_process";
import type { Config } from "../config.js";
import { closeRedis, connectRedis, type RedisClient } from "../storage/redis/connect.js";
import { chooseRedis } from "./find-redis.js";

export interface OpenedRedis {
  redis: RedisClient;
  /** Where it came from: REDIS_CLUSTER_NODES, REDIS_URL, 127.0.0.1:6379, or a private server. */
  source: "cluster" | "configured" | "local" | "private";
  /** Host and port (cluster: the seed nodes), never credentials: for the start-up log. */
  endpoint: string;
  /** The `redis-server` this process started, if it had to. */
  privateServer: ChildProcess | null;
  /** Closes the connection and stops a private server this process started. */
  close(): Promise<void>;
}

/**
 * The Redis the configuration points to, found or started as SPEC section 1 says (the service,
 * `npm run sign` and `npm run seed-demo` all use it). Without one, prints how to get one and
 * exits.
 */
export async function openRedisOrExit(config: Config): Promise<OpenedRedis> {
  if (config.redisClusterNodes) {
    const redis = connectRedis({ clusterNodes: config.redisClusterNodes });
    return {
      redis,
      source: "cluster",
      endpoint: config.redisClusterNodes
        .split(",")
        .map((node) => node.trim().replace(/^.*@/, ""))
        .join(","),
      privateServer: null,
      close: () => closeRedis(redis),
    };
  }
  const choice = await chooseRedis({
    redisUrl: config.redisUrl,
    localDir: config.localRedisDir,
    localPort: config.localRedisPort,
  });
  if (choice.kind === "missing") {
    console.error(choice.message);
    process.exit(1);
  }
  const redis = connectRedis({ url: choice.url });
  const privateServer = choice.started ?? null;
  return {
    redis,
    source: choice.kind,
    endpoint: describeRedisUrl(choice.url),
    privateServer,
    async close() {
      await closeRedis(redis);
      privateServer?.kill();
    },
  };
}

/** `host:port/db` of a Redis URL, without its user or password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.length > 1 ? parsed.pathname : "";
    return `${parsed.hostname}:${parsed.port || "6379"}${db}`;
  } catch {
    return "(unparsable REDIS_URL)";
  }
}
