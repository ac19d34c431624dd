import type { Config } from "../config.js";
import type { Logger } from "../storage/ports.js";
import { SqlEventStore } from "../storage/sql/event-store.js";
import { pgClient } from "../storage/sql/pg-client.js";
import type { SqlClient } from "../storage/sql/sql-client.js";

/** How a Worker reaches the event store: a Hyperdrive binding, else DATABASE_URL (config). */
export interface StoreBindings {
  HYPERDRIVE?: { connectionString: string };
}

/**
 * The event store for a Worker: `pg` over Cloudflare's TCP sockets (`nodejs_compat`), to the
 * PostgreSQL the Node service migrates (the Worker never changes the schema). A RedisWriter
 * Durable Object keeps its connection between requests; a request without writers opens one
 * and closes it when its writes are done.
 */
export function workerStore(
  env: StoreBindings,
  config: Config,
  log: Logger,
): { store: SqlEventStore; sql: SqlClient } | null {
  const url = env.HYPERDRIVE?.connectionString ?? config.databaseUrl;
  if (!url) return null;
  const sql = pgClient(url, log, { max: 1 });
  return { sql, store: new SqlEventStore(sql, config.retention, Date.now, log) };
}

/** Without a store binding, fires wait in the spool queue until one is configured. */
export const missingStore = {
  append: (): Promise<boolean> =>
    Promise.reject(new Error("no event store: set DATABASE_URL or bind HYPERDRIVE")),
};
