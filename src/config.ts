import { CLICK_MAX_AGE_S, DEFAULT_IMP_MAX_AGE_S } from "./signing/beacon-freshness.js";

/** Every environment variable the service reads, with its default (documented in README.md). */
export interface Config {
  port: number;
  host: string;
  redisUrl: string | null;
  redisClusterNodes: string | null;
  /** Where `npm start` keeps a private Redis's data when it has to start one. */
  localRedisDir: string;
  localRedisPort: number;
  signingSecret: string | null;
  allowUnsigned: boolean;
  /** How long a signed /imp is good after its `ts` (SPEC 14). */
  beaconMaxAgeS: number;
  honorGpc: boolean;
  storageTimeoutMs: number;
  pixelCacheTtlMs: number;
  pixelCacheMaxEntries: number;
  /** The file that keeps accepted fires and touches while Redis is away, and its bound. */
  spoolPath: string;
  spoolMaxBytes: number;
  /** The event store (SPEC 10): a PostgreSQL URL, else the embedded PGlite in this folder. */
  databaseUrl: string | null;
  localStoreDir: string;
  /** How long the event store keeps fires and conversions, and the report aggregates. */
  retention: { logDays: number; statsDays: number };
  rateLimitRead: number;
  rateLimitWrite: number;
  /** Whether the first X-Forwarded-For address is the client's (behind a proxy that sets it). */
  trustProxy: boolean;
  /** Events `POST /events` takes per minute per member (0: no limit). */
  rateLimitEvents: number;
  adminUsername: string | null;
  adminPassword: string | null;
  /**
   * Where the first start keeps the admin login it generated (with neither ADMIN_USERNAME nor
   * ADMIN_PASSWORD set), as the body of POST /auth, readable by its owner only.
   */
  adminLoginFile: string;
  /** Reports this process runs at once (0: it runs none and leaves them to other processes). */
  reportRunners: number;
  /** Rows a report may have; more ends it in error (excel: at most 100,000, as Xandr's). */
  reportMaxRows: number;
  /** Prometheus metrics (SPEC 13): their own port and address, never the public one; null: off. */
  metrics: { port: number; host: string } | null;
  /** Worker processes sharing the public port (node:cluster); 1 runs the server alone. */
  webConcurrency: number;
  /** Which worker this process is (1..webConcurrency), set by the primary; null when alone. */
  workerIndex: number | null;
  /** The fraction of edge requests that write an access log line (API requests always do). */
  accessLogSample: number;
  /** Workers KV the API writes pixel configs through to (all three, or none). */
  cloudflareKv: { accountId: string; namespaceId: string; apiToken: string } | null;
  /** Workers only: how many RedisWriter Durable Objects users are spread over. */
  writerShards: number;
  /** Workers only: how long an isolate gathers requests' writes into one call per writer (ms). */
  writerBatchMs: number;
}

/**
 * The environment: `process.env` on Node, a Worker's `env` (whose bindings that are not text,
 * KV namespaces and the like, are not variables and are passed over).
 */
type Env = Readonly<Record<string, unknown>>;

/** A variable's text; unset, empty or not text: undefined. */
function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return typeof raw === "string" && raw !== "" ? raw : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\s*[0-9.eE+-]+\s*$/.test(raw) || !(value >= 0 && value <= 1))
    throw new Error(`${name} must be a number from 0 to 1, got "${raw}"`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (raw === "1" || raw === "true") return true;
  if (raw === "0" || raw === "false") return false;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

/**
 * A connection URL, or null when unset. One that does not parse, or names another scheme, is a
 * configuration error, not a dependency that is away: it stops the start, with a line that
 * names the variable and never shows its value (it may hold a password, SPEC 14).
 */
function connectionUrl(env: Env, name: string, schemes: string[], shape: string): string | null {
  const raw = text(env, name);
  if (raw === undefined) return null;
  let scheme: string | null = null;
  try {
    scheme = new URL(raw).protocol.slice(0, -1);
  } catch {
    // stays null: not a URL at all
  }
  if (scheme === null || !schemes.includes(scheme))
    throw new Error(
      `${name} is not a valid ${schemes[0]} URL (${shape}); its value is not shown, as it may hold a password`,
    );
  return raw;
}

function cloudflareKv(env: Env): Config["cloudflareKv"] {
  const accountId = text(env, "CF_ACCOUNT_ID");
  const namespaceId = text(env, "CF_KV_NAMESPACE_ID");
  const apiToken = text(env, "CF_API_TOKEN");
  if (!accountId && !namespaceId && !apiToken) return null;
  if (!accountId || !namespaceId || !apiToken)
    throw new Error(
      "CF_ACCOUNT_ID, CF_KV_NAMESPACE_ID and CF_API_TOKEN go together: set all three",
    );
  return { accountId, namespaceId, apiToken };
}

function metrics(env: Env): Config["metrics"] {
  const port = integer(env, "METRICS_PORT", 9464, 0, 65535);
  // 0 turns them off (the tests' servers, which would all want 9464).
  return port === 0 ? null : { port, host: text(env, "METRICS_HOST") ?? "127.0.0.1" };
}

/** Reads and checks the configuration; a bad value stops the start with a one-line reason. */
export function readConfig(env: Env): Config {
  return {
    port: integer(env, "PORT", 8080, 0, 65535),
    host: text(env, "HOST") ?? "0.0.0.0",
    redisUrl: connectionUrl(
      env,
      "REDIS_URL",
      ["redis", "rediss"],
      "redis://[:password@]host[:port][/db]",
    ),
    redisClusterNodes: text(env, "REDIS_CLUSTER_NODES") ?? null,
    localRedisDir: text(env, "LOCAL_REDIS_DIR") ?? ".data",
    localRedisPort: integer(env, "LOCAL_REDIS_PORT", 6380, 1, 65535),
    signingSecret: text(env, "SIGNING_SECRET") ?? null,
    allowUnsigned: flag(env, "ALLOW_UNSIGNED", false),
    beaconMaxAgeS: integer(env, "BEACON_MAX_AGE_S", DEFAULT_IMP_MAX_AGE_S, 1, CLICK_MAX_AGE_S),
    honorGpc: flag(env, "HONOR_GPC", true),
    storageTimeoutMs: integer(env, "EDGE_STORAGE_TIMEOUT_MS", 100, 1, 60_000),
    pixelCacheTtlMs: integer(env, "PIXEL_CACHE_TTL_MS", 30_000, 0, 86_400_000),
    pixelCacheMaxEntries: integer(env, "PIXEL_CACHE_MAX_ENTRIES", 10_000, 1, 10_000_000),
    spoolPath: text(env, "SPOOL_PATH") ?? ".data/spool.jsonl",
    spoolMaxBytes: integer(env, "SPOOL_MAX_BYTES", 64 * 1024 * 1024, 1024, 1024 ** 4),
    databaseUrl: connectionUrl(
      env,
      "DATABASE_URL",
      ["postgres", "postgresql"],
      "postgres://user:password@host[:port]/database",
    ),
    localStoreDir: text(env, "LOCAL_STORE_DIR") ?? ".data/pglite",
    retention: {
      logDays: integer(env, "LOG_RETENTION_DAYS", 90, 1, 3650),
      statsDays: integer(env, "STATS_RETENTION_DAYS", 400, 1, 3650),
    },
    rateLimitRead: integer(env, "RATE_LIMIT_READ", 1000, 0, 1_000_000),
    rateLimitWrite: integer(env, "RATE_LIMIT_WRITE", 60, 0, 1_000_000),
    trustProxy: flag(env, "TRUST_PROXY", false),
    // 10,000 a second, a full batch every second: a member that needs more says so.
    rateLimitEvents: integer(env, "RATE_LIMIT_EVENTS", 600_000, 0, 1_000_000_000),
    adminUsername: text(env, "ADMIN_USERNAME") ?? null,
    adminPassword: text(env, "ADMIN_PASSWORD") ?? null,
    adminLoginFile: text(env, "ADMIN_LOGIN_FILE") ?? ".data/admin-login.json",
    reportRunners: integer(env, "REPORT_RUNNERS", 1, 0, 16),
    reportMaxRows: integer(env, "REPORT_MAX_ROWS", 500_000, 1, 5_000_000),
    metrics: metrics(env),
    webConcurrency: integer(env, "WEB_CONCURRENCY", 1, 1, 64),
    workerIndex: text(env, "CLUSTER_WORKER_INDEX")
      ? integer(env, "CLUSTER_WORKER_INDEX", 1, 1, 64)
      : null,
    // 1 in 100 edge requests: a line costs the edge a few µs (bench/README.md).
    accessLogSample: fraction(env, "ACCESS_LOG_SAMPLE", 0.01),
    cloudflareKv: cloudflareKv(env),
    writerShards: integer(env, "WRITER_SHARDS", 16, 1, 1024),
    writerBatchMs: integer(env, "WRITER_BATCH_MS", 20, 0, 60_000),
  };
}
