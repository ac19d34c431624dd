import type { StartedRedis } from "../src/node/find-redis.js";
import { startRedisServer } from "../src/node/find-redis.js";
import { freePort } from "../src/node/free-port.js";
import { closeRedis, connectRedis, type RedisClient } from "../src/storage/redis/connect.js";
import { pgClient } from "../src/storage/sql/pg-client.js";
import type { SqlClient } from "../src/storage/sql/sql-client.js";
import { type PrivatePostgres, startPrivatePostgres } from "../test/helpers/private-postgres.js";
import { stopProcess } from "./processes.js";

/** A benchmark's own Redis and PostgreSQL, with a client of each. */
export interface BenchStores {
  redisServer: StartedRedis;
  redis: RedisClient;
  postgres: PrivatePostgres;
  sql: SqlClient;
  /** Closes the clients and stops both servers. */
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server on a free port and a private PostgreSQL cluster (never the
 * machine's own), with their clients. A benchmark that pins them to the load generator's CPU
 * does so itself with cpuPinning().toLoadCpu.
 */
export async function startBenchStores(): Promise<BenchStores> {
  const redisServer = await startRedisServer(await freePort(), null);
  const redis = connectRedis({ url: redisServer.url });
  const postgres = await startPrivatePostgres();
  const sql = pgClient(postgres.url, () => {});
  return {
    redisServer,
    redis,
    postgres,
    sql,
    async stop() {
      await closeRedis(redis);
      await stopProcess(redisServer.process);
      await sql.close();
      await postgres.destroy();
    },
  };
}
