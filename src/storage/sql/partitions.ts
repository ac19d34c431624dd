import { DAY_MS } from "../../attribution/limits.js";
import type { SqlClient } from "./sql-client.js";

/** The tables kept in day partitions, named `<table>_YYYYMMDD`. */
const PARTITIONED = ["fires", "conversions"] as const;

export const dayOf = (ts: number): number => Math.floor(ts / DAY_MS);

function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "");
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The day partitions of fires and conversions (UTC days). Batches ask for the days they
 * hold before they are written; a day is created once per process (`IF NOT EXISTS`, and a
 * race with another process is no error), and whole days past retention are dropped.
 */
export class DayPartitions {
  private readonly known = new Set<number>();

  constructor(private readonly sql: SqlClient) {}

  /** Forgets what it created: after another process dropped a day, ask the database again. */
  forget(): void {
    this.known.clear();
  }

  /** Creates the partitions of these days that this process has not seen yet. */
  async ensure(days: Iterable<number>): Promise<void> {
    for (const day of new Set(days)) {
      if (this.known.has(day)) continue;
      for (const table of PARTITIONED) {
        try {
          await this.sql.query(
            `CREATE TABLE IF NOT EXISTS ${table}_${dayName(day)} PARTITION OF ${table} ` +
              `FOR VALUES FROM ('${isoDay(day)} 00:00:00+00') TO ('${isoDay(day + 1)} 00:00:00+00')`,
          );
        } catch (error) {
          // Another process created it between our check and our create (the catalog's unique
          // index can see the race before IF NOT EXISTS does).
          const code = (error as { code?: string }).code;
          if (code !== "42P07" && code !== "23505") throw error;
        }
      }
      this.known.add(day);
    }
  }

  /**
   * Drops the day partitions that end at or before `retentionDays` before `now`; returns
   * their names. A dropped day is gone whole, without a row-by-row delete.
   */
  async dropBefore(now: number, retentionDays: number): Promise<string[]> {
    const firstKept = DayPartitions.firstKeptDay(now, retentionDays);
    const rows = await this.sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ANY($1::text[])`,
      [PARTITIONED],
    );
    const dropped: string[] = [];
    for (const { name } of rows) {
      const match = /_(\d{4})(\d{2})(\d{2})$/.exec(name);
      if (!match) continue;
      const day = dayOf(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
      if (day >= firstKept) continue;
      await this.sql.query(`DROP TABLE IF EXISTS ${name}`);
      this.known.delete(day);
      dropped.push(name);
    }
    return dropped.sort();
  }

  /** The first day a fire may still be written to (older ones would be dropped at once). */
  static firstKeptDay(now: number, retentionDays: number): number {
    return dayOf(now) - retentionDays + 1;
  }
}
