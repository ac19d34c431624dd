import { afterAll, beforeAll, beforeEach } from "vitest";
import { SqlEventStore } from "../../src/storage/sql/event-store.js";
import { migrate } from "../../src/storage/sql/migrate.js";
import { pgClient } from "../../src/storage/sql/pg-client.js";
import type { SqlClient } from "../../src/storage/sql/sql-client.js";
import { createTestDatabase } from "./test-database.js";

/**
 * Empties the event store's tables (its day partitions stay) and the objects, whose ids start
 * again at 1 (as a new deployment's would).
 */
export const emptyStore = (sql: SqlClient) =>
  sql.script(
    `TRUNCATE fires, conversions, report_quarters, applied_batches, report_jobs, dead_letters,
       members, users, advertisers, line_items, pixels, line_item_pixels, campaigns,
       campaign_pixels, edge_outbox, service_settings RESTART IDENTITY CASCADE`,
  );

export interface TestStore {
  readonly events: SqlEventStore;
  readonly sql: SqlClient;
  readonly url: string;
}

/** An event store in a database of its own, migrated; `close` drops the database. */
export async function openTestStore(
  clock: () => number = Date.now,
): Promise<TestStore & { close(): Promise<void> }> {
  const database = await createTestDatabase();
  const sql = pgClient(database.url, () => {});
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close();
    await database.drop();
    throw error;
  }
  return {
    events: new SqlEventStore(sql, { logDays: 90, statsDays: 400 }, clock, () => {}),
    sql,
    url: database.url,
    async close() {
      await sql.close();
      await database.drop();
    },
  };
}

/**
 * Registers the hooks of a test file that writes the event store directly: a database of its
 * own, migrated before the tests, emptied before each, dropped after.
 */
export function useTestStore(clock: () => number = Date.now): TestStore {
  let store: Awaited<ReturnType<typeof openTestStore>> | undefined;
  beforeAll(async () => {
    store = await openTestStore(clock);
  });
  beforeEach(async () => {
    if (store) await emptyStore(store.sql);
  });
  afterAll(async () => {
    await store?.close();
  });
  const get = (): TestStore => {
    if (store === undefined) throw new Error("the test store is not open yet");
    return store;
  };
  return {
    get events() {
      return get().events;
    },
    get sql() {
      return get().sql;
    },
    get url() {
      return get().url;
    },
  };
}
