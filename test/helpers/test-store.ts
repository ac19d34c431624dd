import { afterAll, beforeAll, beforeEach } from "vitest";
import { SqlEventStore } from "../../src/storage/sql/event-store.js";
import { migrate } from "../../src/storage/sql/migrate.js";
import { pgClient } from "../../src/storage/sql/pg-client.js";
import type { SqlClient } from "../../src/storage/sql/sql-client.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

/** Empties the event store's tables (its day partitions stay). */
export const emptyStore = (sql: SqlClient) =>
  sql.script("TRUNCATE fires, conversions, report_quarters, applied_batches, report_jobs");

/**
 * Registers the hooks of a test file that writes the event store directly: a database of its
 * own, migrated before the tests, emptied before each, dropped after.
 */
export function useTestStore(clock: () => number = Date.now): {
  readonly events: SqlEventStore;
  readonly sql: SqlClient;
  readonly url: string;
} {
  let database: TestDatabase | undefined;
  let sql: SqlClient | undefined;
  let events: SqlEventStore | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = pgClient(database.url, () => {});
    await migrate(sql);
    events = new SqlEventStore(sql, { logDays: 90, statsDays: 400 }, clock, () => {});
  });
  beforeEach(async () => {
    if (sql) await emptyStore(sql);
  });
  afterAll(async () => {
    await sql?.close();
    await database?.drop();
  });
  const get = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test store is not open yet");
    return value;
  };
  return {
    get events() {
      return get(events);
    },
    get sql() {
      return get(sql);
    },
    get url() {
      return get(database).url;
    },
  };
}
