import type { Config } from "../config.js";
import type { ConversionRow, FireLogEntry, FireLogRow } from "../conversions/log-rows.js";
import { LogOnceASecond } from "../log-once-a-second.js";
import type { ReportCounts } from "../reports/report-counters.js";
import { lockFile } from "../spool/spool-lock.js";
import { DependencyDown } from "../storage/dependency-down.js";
import type {
  BatchId,
  FireLog,
  FireLogReader,
  Logger,
  ReportJobStore,
  ReportSource,
  TimeRange,
} from "../storage/ports.js";
import { SqlEventStore } from "../storage/sql/event-store.js";
import { migrate } from "../storage/sql/migrate.js";
import { pgClient } from "../storage/sql/pg-client.js";
import { pgliteClient } from "../storage/sql/pglite-client.js";
import type { SqlClient } from "../storage/sql/sql-client.js";
import { withTimeout } from "../with-timeout.js";

const RETRY_MS = 2000;
const RETENTION_EVERY_MS = 3_600_000;

/** The event store as the Node runtime uses it: usable once its schema is in place. */
export interface OpenedStore extends FireLog, FireLogReader {
  /** host:port/database, or the embedded store's folder: never credentials. */
  readonly endpoint: string;
  /** "ok", or why the store cannot take writes now. */
  status(): Promise<string>;
  /** Fires kept aside as dead letters (0 while the store is away). */
  deadLetters(): Promise<number>;
  /** Resolves once migrations have been applied (for tests and tools that need the schema). */
  readonly ready: Promise<void>;
  readonly sql: SqlClient;
  /** The same database for the API's objects: refuses with DependencyDown until it is ready. */
  readonly sqlWhenReady: SqlClient;
  readonly reportJobs: ReportJobStore;
  readonly reportSource: ReportSource;
  close(): Promise<void>;
}

/**
 * Opens the event store SPEC 10 describes: DATABASE_URL when set, else the embedded PGlite in
 * LOCAL_STORE_DIR (locked to this process). Never waits for the database: migrations are
 * applied as soon as it answers (retried every 2 s, the failures logged once a minute), and
 * until then writes fail fast, so the edge spools them, and reads answer 503.
 */
export async function openStore(
  config: Config,
  log: Logger,
  clock: () => number,
  options: {
    /** Told how many fires a batch kept aside as dead letters (metrics). */
    keptAside?: ((fires: number) => void) | undefined;
    /**
     * Runs after the migrations, before the store says it is ready (and retried with them):
     * the copy of an earlier version's objects from Redis.
     */
    afterMigrate?: ((sql: SqlClient) => Promise<unknown>) | undefined;
  } = {},
): Promise<OpenedStore> {
  let unlock: (() => Promise<void>) | null = null;
  let sql: SqlClient;
  if (config.databaseUrl) sql = pgClient(config.databaseUrl, log);
  else {
    unlock = await lockFile(
      config.localStoreDir,
      "the embedded event store serves one process: set DATABASE_URL to share a PostgreSQL, or give this one its own LOCAL_STORE_DIR",
    );
    sql = await pgliteClient(config.localStoreDir);
  }
  const store = new SqlEventStore(sql, config.retention, clock, log, options.keptAside);
  let migrated = false;
  let lastError = "not connected yet";
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const notices = new LogOnceASecond(log, 60_000);
  let failures = 0;
  const connect = async (): Promise<void> => {
    if (closed) return;
    try {
      const version = await migrate(sql);
      await options.afterMigrate?.(sql);
      migrated = true;
      log({
        level: "info",
        msg: "event store ready",
        store: sql.endpoint,
        schema_version: version,
        after_failures: failures,
      });
      markReady();
      await retention();
    } catch (error) {
      failures++;
      lastError = String((error as Error).message ?? error);
      notices.note({
        level: "warn",
        msg: "event store unavailable, retrying",
        store: sql.endpoint,
        error: lastError,
      });
      timer = setTimeout(connect, RETRY_MS);
      timer.unref();
    }
  };
  const retention = async (): Promise<void> => {
    if (closed) return;
    try {
      const { dropped } = await store.applyRetention();
      if (dropped.length) log({ level: "info", msg: "retention: dropped day partitions", dropped });
    } catch (error) {
      log({
        level: "warn",
        msg: "retention failed",
        error: String((error as Error).message ?? error),
      });
    }
    timer = setTimeout(retention, RETENTION_EVERY_MS);
    timer.unref();
  };
  void connect();

  // Set while the store answers but refuses writes (a full disk, a read-only replica after a
  // failover): /readyz says so until a write goes through again.
  let writesFailing = false;
  const usable = () => {
    if (!migrated) throw new DependencyDown("store", lastError);
    return store;
  };
  const whenReady = <T>(work: () => Promise<T>): Promise<T> =>
    migrated ? work() : Promise.reject(new DependencyDown("store", lastError));
  const sqlWhenReady: SqlClient = {
    endpoint: sql.endpoint,
    query: (text, params) => whenReady(() => sql.query(text, params)),
    script: (text) => whenReady(() => sql.script(text)),
    session: (work) => whenReady(() => sql.session(work)),
    transaction: (work) => whenReady(() => sql.transaction(work)),
    close: async () => {},
  };
  return {
    endpoint: sql.endpoint,
    sql,
    sqlWhenReady,
    ready,
    async append(entries: readonly FireLogEntry[], batch: BatchId) {
      try {
        const taken = await usable().append(entries, batch);
        writesFailing = false;
        return taken;
      } catch (error) {
        // Only a store that answers can refuse writes; before it is ready it is just away.
        if (migrated) writesFailing = true;
        throw error;
      }
    },
    fires: (pixelId: number | "unknown", range?: TimeRange): Promise<FireLogRow[]> =>
      usable().fires(pixelId, range),
    conversions: (pixelId: number, range?: TimeRange): Promise<ConversionRow[]> =>
      usable().conversions(pixelId, range),
    conversionFeed: (pixelIds: readonly number[], cursor: string | null, limit: number) =>
      usable().conversionFeed(pixelIds, cursor, limit),
    reportCounts: (
      pixelId: number | "unknown",
      from: number,
      to: number,
    ): Promise<Array<[number, ReportCounts]>> => usable().reportCounts(pixelId, from, to),
    reportJobs: {
      create: (job) => usable().reportJobs.create(job),
      get: (id, now) => usable().reportJobs.get(id, now),
      result: (id) => usable().reportJobs.result(id),
      claim: (now) => usable().reportJobs.claim(now),
      finish: (id, now, rows, result) => usable().reportJobs.finish(id, now, rows, result),
      fail: (id, now, error) => usable().reportJobs.fail(id, now, error),
      release: (id) => usable().reportJobs.release(id),
      expire: (now) => usable().reportJobs.expire(now),
    },
    reportSource: { rows: (query) => usable().reportSource.rows(query) },
    // Public: which state, never the error's text (it is in the log lines).
    async status() {
      if (!migrated) return "unavailable";
      const answer = await store.status();
      return answer === "ok" && writesFailing ? "writes failing" : answer;
    },
    deadLetters: () => (migrated ? withTimeout(store.deadLetters(), 500, 0) : Promise.resolve(0)),
    async close() {
      closed = true;
      notices.flush();
      if (timer) clearTimeout(timer);
      await sql.close();
      await unlock?.();
    },
  };
}
