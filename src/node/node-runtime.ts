import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, Hono } from "hono";
import { type ApiDeps, createApiStores } from "../api/api-deps.js";
import { mountApi } from "../api/mount-api.js";
import { objectNames } from "../api/reports/object-names.js";
import { createApp } from "../app.js";
import { BackgroundTasks } from "../background-tasks.js";
import type { Config } from "../config.js";
import { FireQueue } from "../conversions/fire-queue.js";
import { ReportsInProcess } from "../reports/service/report-maker.js";
import { ReportRunner } from "../reports/service/report-runner.js";
import type { Spool } from "../spool/spool.js";
import { spoolReadiness } from "../spool/spool-readiness.js";
import { AdvertiserSettingsCache } from "../storage/advertiser-settings-cache.js";
import { CachedPixelConfigs } from "../storage/cached-pixel-configs.js";
import { EdgeCopyRelay } from "../storage/edge-copies/edge-copy-relay.js";
import { kvTarget } from "../storage/edge-copies/edge-copy-target.js";
import { PIXEL_CHANGES_CHANNEL } from "../storage/keys.js";
import type { KeyValueNamespace } from "../storage/kv-pixel-configs.js";
import type {
  EdgeStorage,
  FireLog,
  FireLogReader,
  Logger,
  ReportJobStore,
  ReportSource,
} from "../storage/ports.js";
import { duplicateRedis, type RedisClient } from "../storage/redis/connect.js";
import { RedisAdvertiserSettings } from "../storage/redis/redis-advertiser-settings.js";
import { RedisAttributionStore } from "../storage/redis/redis-attribution.js";
import { RedisEdgeCopies } from "../storage/redis/redis-edge-copies.js";
import { RedisImpressionIds } from "../storage/redis/redis-impression-ids.js";
import { RedisPixelChangeNotices } from "../storage/redis/redis-pixel-change-notices.js";
import { RedisPixelConfigs } from "../storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import { RUN_LEASE_MS } from "../storage/sql/report-jobs.js";
import type { SqlClient } from "../storage/sql/sql-client.js";
import { SqlEdgeConfigs } from "../storage/sql/sql-edge-configs.js";
import { answersWithin, withTimeout } from "../with-timeout.js";
import { clientAddress } from "./client-address.js";
import { type KeptTrying, keepTrying } from "./keep-trying.js";
import { instrumentSpool, instrumentStorage } from "./metrics/instrument.js";
import type { NodeMetrics } from "./metrics/node-metrics.js";
import { ReportThread } from "./report-thread.js";
import { sharedSigningSecret } from "./signing-secret.js";

/** Reads a header from the IncomingMessage @hono/node-server passes as `c.env.incoming`. */
function nodeHeader(c: Context, name: string): string | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name) ?? null; // app.request() in tests has no socket
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}

/** Xandr's own limit for tab-separated reports. */
const EXCEL_MAX_ROWS = 100_000;
/** How often the edge copies are brought up to date without an API write here to do it. */
const EDGE_COPY_EVERY_MS = 2000;
/** How long an API write waits for its change to reach the edge's copies. */
const EDGE_COPY_WAIT_MS = 2000;
/** How often an idle report runner looks for reports other processes queued. */
const REPORT_POLL_MS = 1000;

/**
 * Sets a response header on the socket's response before the app answers: Node merges it into
 * the head @hono/node-server writes, which keeps that adapter's cheap plain-object headers.
 */
function presetNodeHeader(c: Context, name: string, value: string): boolean {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return false;
  outgoing.setHeader(name, value);
  return true;
}

/** The event store as the runtime needs it (src/node/open-store.ts opens one). */
export type EventStore = FireLog &
  FireLogReader & {
    status(): Promise<string>;
    /** Resolves once the store is migrated and its objects in place (absent: ready now). */
    ready?: Promise<void>;
    /** The database of the API's objects (SPEC 15): refuses until the store is ready. */
    sqlWhenReady: SqlClient;
    /** Fires kept aside because the store refused their data (0 while it is away). */
    deadLetters(): Promise<number>;
    reportJobs: ReportJobStore;
    reportSource: ReportSource;
  };

export interface NodeRuntimeOptions {
  clock?: () => number;
  /** Workers KV the API writes pixel configs through to, when a Worker edge is deployed. */
  kv?: KeyValueNamespace | null;
  /** Where accepted writes wait while Redis or the store is away (src/server.ts opens a FileSpool). */
  spool?: Spool | null;
  /** Where batches, spool records, cache lookups and requests are counted (src/server.ts). */
  metrics?: NodeMetrics | null;
}

export interface NodeRuntime {
  app: Hono;
  api: ApiDeps;
  storage: EdgeStorage;
  /** The event store: what the edge writes and the API reads. */
  fireLog: EventStore;
  pixelCache: CachedPixelConfigs;
  advertiserCache: AdvertiserSettingsCache;
  tasks: BackgroundTasks;
  fires: FireQueue;
  /** Runs queued reports (REPORT_RUNNERS at once). */
  reportRunner: ReportRunner;
  /** Carries committed object changes to the edge's copies in Redis (and KV). */
  edgeCopies: EdgeCopyRelay;
  /** Resolves once every accepted fire and touch has been written. */
  drain(): Promise<void>;
  /** Stops listening for pixel changes and waits for background writes. */
  close(): Promise<void>;
}

/**
 * The Node edge: one shared Redis connection, pixel configs through a bounded cache that the
 * API's change notices invalidate, and background writes that are tracked, not dropped.
 */
export async function createNodeRuntime(
  config: Config,
  redis: RedisClient,
  fireLog: EventStore,
  log: Logger,
  options: NodeRuntimeOptions = {},
): Promise<NodeRuntime> {
  const clock = options.clock ?? Date.now;
  const kv = options.kv ?? null;
  const metrics = options.metrics ?? null;
  const spool =
    options.spool && metrics ? instrumentSpool(options.spool, metrics) : (options.spool ?? null);
  // Never waited for at start: the edge listens while Redis or the store is away, and a
  // beacon's signature is checked once the shared secret could be read (SPEC 13). It is made,
  // or read, once the store (which keeps it) is ready: no line about it before.
  const secret = config.signingSecret
    ? { result: Promise.resolve(config.signingSecret), stop() {} }
    : afterReady(fireLog.ready, () =>
        keepTrying("signing secret", () => sharedSigningSecret(fireLog.sqlWhenReady, redis), log),
      );
  // A copy missing from Redis (emptied, evicted) is read from PostgreSQL and written back.
  const edgeConfigs = new SqlEdgeConfigs(fireLog.sqlWhenReady);
  const pixelCache = new CachedPixelConfigs(new RedisPixelConfigs(redis, edgeConfigs), {
    ttlMs: config.pixelCacheTtlMs,
    maxEntries: config.pixelCacheMaxEntries,
  });
  const advertiserCache = new AdvertiserSettingsCache(
    config.pixelCacheTtlMs,
    config.pixelCacheMaxEntries,
  );
  const subscriber = duplicateRedis(redis);
  subscriber.on("error", () => {}); // reconnects by itself; the cache TTL bounds staleness meanwhile
  subscriber.on("message", (_channel: string, message: string) => {
    pixelCache.invalidate(message === "*" ? "*" : Number(message));
    // An advertiser's change is announced as its pixels' (or all): changes are rare.
    advertiserCache.invalidate();
  });
  // Subscribed whenever the connection is (re)made: at start Redis may not be there yet.
  const subscribe = () => void subscriber.subscribe(PIXEL_CHANGES_CHANNEL).catch(() => {});
  subscriber.on("ready", subscribe);
  subscribe();

  const bare: EdgeStorage = {
    pixels: pixelCache,
    touches: new RedisTouchStore(redis, clock),
    impressionIds: new RedisImpressionIds(redis),
    advertisers: advertiserCache.over(
      new RedisAdvertiserSettings(
        redis,
        async (id) => (await edgeConfigs.advertisers([id]))[0] ?? null,
      ),
    ),
    attribution: new RedisAttributionStore(redis),
    fireLog,
  };
  const storage = metrics ? instrumentStorage(bare, metrics) : bare;
  const edgeCopies = new EdgeCopyRelay(
    fireLog.sqlWhenReady,
    [new RedisEdgeCopies(redis), ...(kv ? [kvTarget(kv, log)] : [])],
    new RedisPixelChangeNotices(redis),
    log,
    (pixelIds) => {
      // This process's caches first: a fire right after an API write here sees it (other
      // processes hear of it over pub/sub).
      for (const id of pixelIds) pixelCache.invalidate(id);
      advertiserCache.invalidate();
    },
  );
  void fireLog.ready?.then(() => edgeCopies.start(EDGE_COPY_EVERY_MS));
  const stores = createApiStores(redis, fireLog.sqlWhenReady, clock);
  const reportRunner = new ReportRunner({
    jobs: fireLog.reportJobs,
    names: objectNames(stores),
    clock,
    log,
    maxRows: {
      csv: config.reportMaxRows,
      excel: Math.min(config.reportMaxRows, EXCEL_MAX_ROWS),
    },
    maker: () =>
      config.databaseUrl
        ? new ReportThread(config.databaseUrl, log)
        : new ReportsInProcess(fireLog.reportSource, fireLog.reportJobs),
    runLimitMs: RUN_LEASE_MS - 60_000,
    pollMs: REPORT_POLL_MS,
  });
  reportRunner.start(config.reportRunners);
  const tasks = new BackgroundTasks(log);
  const fires = new FireQueue(storage, log, {
    gatherWhileWriting: true,
    ...(spool ? { spool } : {}),
  });
  const api: ApiDeps = {
    stores,
    fireLog,
    reports: {
      jobs: fireLog.reportJobs,
      retention: config.retention,
      queued: () => reportRunner.wake(),
    },
    clock,
    log,
    clientAddress: clientAddress(config.trustProxy),
    // Waited for (a fire right after the answer sees the change), but never failing a write
    // that committed: with Redis away the outbox keeps the change for the relay's next pass.
    syncEdges: () => withTimeout(edgeCopies.flush(), EDGE_COPY_WAIT_MS, undefined),
    conversions: { pixels: pixelCache, fires, signingSecret: () => secret.result },
  };
  const app = createApp(
    {
      settings: {
        honorGpc: config.honorGpc,
        allowUnsigned: config.allowUnsigned,
        beaconMaxAgeS: config.beaconMaxAgeS,
        storageTimeoutMs: config.storageTimeoutMs,
        gzipTag: true,
      },
      clock,
      storage: () => storage,
      fires: () => fires,
      signingSecret: () => secret.result,
      header: nodeHeader,
      background: (_c, work) => tasks.track(work),
      log,
      requests: {
        sample: config.accessLogSample,
        tally: metrics?.requests ?? null,
        presetHeader: presetNodeHeader,
      },
      readiness: async () => ({
        checks: {
          redis: await answersWithin(redis.ping(), "unreachable"),
          store: await fireLog.status(),
          spool: spoolReadiness(spool),
        },
        counts: { dead_letters: await fireLog.deadLetters() },
      }),
    },
    (app) =>
      mountApi(app, api, {
        read: config.rateLimitRead,
        write: config.rateLimitWrite,
        events: config.rateLimitEvents,
      }),
  );
  // A task may be waiting for a pixel config before it hands its fire to the queue.
  const drain = async () => {
    await tasks.drain();
    await fires.drain();
  };
  return {
    app,
    api,
    storage,
    fireLog,
    pixelCache,
    advertiserCache,
    tasks,
    fires,
    reportRunner,
    edgeCopies,
    drain,
    async close() {
      secret.stop();
      await edgeCopies.stop();
      await reportRunner.stop();
      subscriber.disconnect();
      await tasks.drain();
      // What Redis has not taken by now stays in the spool for the next start.
      await fires.stop();
    },
  };
}

/** `keepTrying` started once `ready` resolves (at once without it); stoppable before that. */
function afterReady<T>(
  ready: Promise<void> | undefined,
  start: () => KeptTrying<T>,
): { result: Promise<T>; stop(): void } {
  let stopped = false;
  const kept = (ready ?? Promise.resolve()).then(() => (stopped ? null : start()));
  return {
    result: kept.then((k) => k?.result ?? new Promise<T>(() => {})),
    stop() {
      stopped = true;
      void kept.then((k) => k?.stop());
    },
  };
}
