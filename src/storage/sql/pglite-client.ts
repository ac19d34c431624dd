import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlClient } from "./sql-client.js";

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in this process, with its files in
 * `dir` (or in memory for `memory://`). One connection, so one process: src/node/open-store.ts
 * locks the folder. Its CPU is the edge's own (README: measured limits).
 */
export async function pgliteClient(dir: string): Promise<SqlClient> {
  const inMemory = dir === "memory://";
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(inMemory ? undefined : resolve(dir));
  const client: SqlClient = {
    endpoint: inMemory ? "embedded, in memory" : `embedded, ${dir}`,
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, params as unknown[])).rows;
    },
    async script(text: string) {
      const results = await db.exec(text);
      return (results[results.length - 1]?.rows ?? []) as Array<Record<string, unknown>>;
    },
    // One connection: every call is already a session of its own.
    session: (work) => work(client),
    // PGlite's own transaction holds its one connection until the work is done, so no other
    // caller's statement runs inside it.
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async <Row>(text: string, params: readonly unknown[] = []) =>
            (await tx.query<Row>(text, params as unknown[])).rows,
        }),
      ),
    close: () => db.close(),
  };
  return client;
}
