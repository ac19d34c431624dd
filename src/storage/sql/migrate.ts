import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Postgrator from "postgrator";
import type { SqlClient } from "./sql-client.js";

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "migrations", "*.sql");
/** Any constant: the advisory lock that lets one starting process migrate at a time. */
const MIGRATION_LOCK = 7_413_001;

/**
 * Applies the versioned migrations in src/storage/sql/migrations (postgrator, which records
 * them in `schema_version`), under an advisory lock so that processes starting together do
 * not race. Returns the schema version now in place.
 */
export async function migrate(sql: SqlClient): Promise<number> {
  return sql.session(async (session) => {
    await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      const postgrator = new Postgrator({
        migrationPattern: MIGRATIONS,
        driver: "pg",
        schemaTable: "schema_version",
        execQuery: async (query) => ({ rows: await session.script(query) }),
      });
      await postgrator.migrate();
      return Number(await postgrator.getDatabaseVersion());
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  });
}
