import { Cluster } from "ioredis";
import { connectRedis, type RedisClient } from "../../src/storage/redis/connect.js";
import { startTestRedis } from "./test-redis.js";
import { startTestCluster } from "./test-redis-cluster.js";

/** The two shapes of Redis the storage code must work on, for `describe.each`. */
export const REDIS_KINDS = ["Redis server", "3-master Redis Cluster"] as const;
export type RedisKind = (typeof REDIS_KINDS)[number];

export interface TestStorage {
  client: RedisClient;
  /** Empties the test's own servers. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis of the test's own: one server, or a Cluster (on which every script must run). */
export async function startTestStorage(kind: RedisKind): Promise<TestStorage> {
  if (kind === "Redis server") return startTestRedis();
  const cluster = await startTestCluster();
  const client = connectRedis({ clusterNodes: cluster.nodes });
  return {
    client,
    reset: async () => {
      if (client instanceof Cluster)
        await Promise.all(client.nodes("master").map((node) => node.flushdb()));
    },
    stop: async () => {
      client.disconnect();
      await cluster.stop();
    },
  };
}
