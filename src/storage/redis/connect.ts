import { Cluster, Redis } from "ioredis";

export type RedisClient = Redis | Cluster;

export interface RedisOptions {
  /** `redis://[:password@]host:port[/db]`; ignored when `clusterNodes` is given. */
  url?: string;
  /** `host:port,host:port` of Redis Cluster seed nodes. */
  clusterNodes?: string;
  /** How long one command may take before it fails (the edge never waits longer). */
  commandTimeoutMs?: number;
  /** Whether to connect before the first command (Workers connect per request, lazily). */
  lazyConnect?: boolean;
}

/**
 * One shared connection with auto-pipelining: commands issued in the same tick go out in
 * one write, which is most of the throughput of the edge.
 */
export function connectRedis(options: RedisOptions): RedisClient {
  const common = {
    enableAutoPipelining: true,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: 1,
  };
  if (options.clusterNodes) {
    const nodes = options.clusterNodes.split(",").map((hostPort) => {
      const [host, port] = hostPort.trim().split(":");
      return { host: host || "127.0.0.1", port: Number(port) || 6379 };
    });
    // No auto-pipelining on Cluster: ioredis groups a pipeline by the slot of a command's first
    // argument, which for our scripts is the key count, and would mix slots in one pipeline.
    // Fires are batched per slot by the stores anyway.
    return new Cluster(nodes, {
      enableAutoPipelining: false,
      redisOptions: { ...common, enableAutoPipelining: false },
    });
  }
  return new Redis(options.url ?? "redis://127.0.0.1:6379", common);
}

/** Closes a client without waiting on a server that may be gone. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  // A lazy client that never connected has nothing to say goodbye to.
  if (redis.status === "wait") {
    redis.disconnect();
    return;
  }
  try {
    await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 500))]);
  } catch {
    // already closed
  }
  redis.disconnect();
}

/** A second connection with the same options (a subscriber cannot share the first). */
export function duplicateRedis(redis: RedisClient): RedisClient {
  return redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
}
