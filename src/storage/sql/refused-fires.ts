import type { FireLogEntry } from "../../conversions/log-rows.js";
import type { BatchId } from "../ports.js";
import { APPEND_ROWS_SQL, batchColumns } from "./append-batch.js";
import type { SqlClient } from "./sql-client.js";

/** A fire the store will not hold, and why: the SQLSTATE (or "check") and its message. */
export interface RefusedFire {
  entry: FireLogEntry;
  code: string;
  error: string;
}

/**
 * Whether PostgreSQL refused a statement for the data it carried, which sending it again can
 * never change: class 22 (data exception: out of range, invalid text), 23 (integrity: a
 * constraint) and 54 (program limit: a value too large). Anything else (a connection lost,
 * a disk full, a deadlock, a shutdown) is the store being away, and the write is retried.
 */
export function isRefusedForData(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^(?:22|23|54)/.test(code);
}

const CLAIM_SQL = `INSERT INTO applied_batches (writer, seq, fires) VALUES ($1, $2, $3)
  ON CONFLICT DO NOTHING RETURNING 1`;

const DEAD_LETTER_SQL = `INSERT INTO dead_letters (writer, seq, code, error, entry)
  SELECT $1, $2, code, error, entry FROM unnest($3::text[], $4::text[], $5::text[])
    AS r(code, error, entry)`;

/**
 * Writes a batch the store refused, in one transaction: claims the batch (once, as the fast
 * path would), stores its fires by halves under savepoints until every fire it refuses is
 * found, and keeps those aside in `dead_letters`. Whatever the refused fires, the others are
 * stored and the batch is taken, so nothing queued behind it waits on it. Replayed after a lost
 * reply it finds the batch claimed and adds nothing. `refused` are fires already found
 * unstorable before trying (storable-entry.ts). Returns whether this call wrote the batch and
 * how many fires it kept aside.
 */
export async function writeAroundRefused(
  sql: SqlClient,
  batch: BatchId,
  entries: readonly FireLogEntry[],
  refused: readonly RefusedFire[],
): Promise<{ taken: boolean; keptAside: number }> {
  return sql.transaction(async (tx) => {
    const claimed = await tx.query(CLAIM_SQL, [batch.writer, batch.seq, entries.length]);
    if (claimed.length === 0) return { taken: false, keptAside: 0 };
    const kept: RefusedFire[] = [...refused];
    const tryPart = async (part: readonly FireLogEntry[]): Promise<void> => {
      if (part.length === 0) return;
      await tx.query("SAVEPOINT part");
      try {
        const columns = batchColumns(part);
        await tx.query(APPEND_ROWS_SQL, [
          batch.writer,
          batch.seq,
          part.length,
          ...columns.fires,
          ...columns.conversions,
          ...columns.quarters,
        ]);
        await tx.query("RELEASE SAVEPOINT part");
      } catch (error) {
        if (!isRefusedForData(error)) throw error;
        await tx.query("ROLLBACK TO SAVEPOINT part");
        await tx.query("RELEASE SAVEPOINT part");
        const [entry] = part;
        if (part.length === 1 && entry) {
          kept.push({
            entry,
            code: String((error as { code: string }).code),
            error: String((error as Error).message),
          });
          return;
        }
        const half = Math.ceil(part.length / 2);
        await tryPart(part.slice(0, half));
        await tryPart(part.slice(half));
      }
    };
    await tryPart(entries);
    await tx.query(DEAD_LETTER_SQL, [
      batch.writer,
      batch.seq,
      kept.map((k) => k.code),
      kept.map((k) => k.error),
      // JSON escapes U+0000 and lone surrogates, which text could not hold raw.
      kept.map((k) => JSON.stringify(k.entry)),
    ]);
    await tx.query("UPDATE applied_batches SET fires = $3 WHERE writer = $1 AND seq = $2", [
      batch.writer,
      batch.seq,
      entries.length + refused.length - kept.length,
    ]);
    return { taken: true, keptAside: kept.length };
  });
}
