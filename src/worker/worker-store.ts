import type { Config } from "../config.js";
import { jsonLogger } from "../deps.js";
import { SqlEventStore } from "../storage/sql/event-store.js";
import { pgClient } from "../storage/sql/pg-client.js";
import type { SqlClient } from "../storage/sql/sql-client.js";

/** How a Worker reaches the event store: a Hyperdrive binding, or DATABASE_URL. */
export interface StoreBindings {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
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
): { store: SqlEventStore; sql: SqlClient } | null {
  const url = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  if (!url) return null;
  const sql = pgClient(url, jsonLogger, { max: 1 });
  return { sql, store: new SqlEventStore(sql, config.retention, Date.now, jsonLogger) };
}

/** Without a store binding, fires wait in the spool queue until one is configured. */
export const missingStore = {
  append: (): Promise<boolean> =>
    Promise.reject(new Error("no event store: set DATABASE_URL or bind HYPERDRIVE")),
};
