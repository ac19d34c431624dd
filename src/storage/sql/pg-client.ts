import pg from "pg";
import type { Logger } from "../ports.js";
import type { SqlClient } from "./sql-client.js";

/** `host:port/database` of a connection URL, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

function lastRows(result: pg.QueryResult | pg.QueryResult[]): Array<Record<string, unknown>> {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return last?.rows ?? [];
}

/**
 * A PostgreSQL server through a small `pg` pool. A connection that fails is replaced by the
 * pool on the next query, so the store comes back by itself when the server does; the pool's
 * own errors (a server restart seen by an idle connection) are logged, never thrown.
 */
export function pgClient(
  url: string,
  log: Logger,
  options: { max?: number; serial?: boolean } = {},
): SqlClient {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    // serial: each query on one core of the server (no parallel workers), for background work
    // such as reports that must leave the other cores to the edge on a small machine.
    ...(options.serial ? { options: "-c max_parallel_workers_per_gather=0" } : {}),
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    // A write that hangs is a write the spool should hold instead.
    query_timeout: 15_000,
    application_name: "conversion-pixel-service",
  });
  pool.on("error", (error) =>
    log({ level: "warn", msg: "store connection lost", error: String(error.message) }),
  );
  const endpoint = describeDatabaseUrl(url);
  return {
    endpoint,
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pool.query(text, params as unknown[]);
      return result.rows as Row[];
    },
    async script(text: string) {
      return lastRows((await pool.query(text)) as pg.QueryResult | pg.QueryResult[]);
    },
    async session(work) {
      const client = await pool.connect();
      try {
        return await work({
          query: async <Row>(text: string, params: readonly unknown[] = []) =>
            (await client.query(text, params as unknown[])).rows as Row[],
          script: async (text: string) =>
            lastRows((await client.query(text)) as pg.QueryResult | pg.QueryResult[]),
        });
      } finally {
        client.release();
      }
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          query: async <Row>(text: string, params: readonly unknown[] = []) =>
            (await client.query(text, params as unknown[])).rows as Row[],
        });
        await client.query("COMMIT");
        client.release();
        return result;
      } catch (error) {
        // A connection that cannot even roll back is broken: destroyed, not pooled again.
        const broken = await client.query("ROLLBACK").then(
          () => undefined,
          (rollback: Error) => rollback,
        );
        client.release(broken);
        throw error;
      }
    },
    close: () => pool.end(),
  };
}
