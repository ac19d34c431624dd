import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, Hono } from "hono";
import { type ApiDeps, createApiStores } from "../api/api-deps.js";
import { edgeSync } from "../api/edge-sync.js";
import { mountApi } from "../api/mount-api.js";
import { objectNames } from "../api/reports/object-names.js";
import { createApp } from "../app.js";
import { BackgroundTasks } from "../background-tasks.js";
import type { Config } from "../config.js";
import { FireQueue } from "../conversions/fire-queue.js";
import { ReportsInProcess } from "../reports/service/report-maker.js";
import { ReportRunner } from "../reports/service/report-runner.js";
import type { Spool } from "../spool/spool.js";
import { AdvertiserSettingsCache } from "../storage/advertiser-settings-cache.js";
import { CachedPixelConfigs } from "../storage/cached-pixel-configs.js";
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
import { RedisImpressionIds } from "../storage/redis/redis-impression-ids.js";
import { RedisPixelChangeNotices } from "../storage/redis/redis-pixel-change-notices.js";
import { RedisPixelConfigs } from "../storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import { sharedSigningSecret } from "../storage/redis/signing-secret.js";
import { RUN_LEASE_MS } from "../storage/sql/report-jobs.js";
import { answersWithin } from "../with-timeout.js";
import { clientAddress } from "./client-address.js";
import { keepTrying } from "./keep-trying.js";
import { instrumentSpool, instrumentStorage } from "./metrics/instrument.js";
import type { NodeMetrics } from "./metrics/node-metrics.js";
import { ReportThread } from "./report-thread.js";

/** Reads a header from the IncomingMessage @hono/node-server passes as `c.env.incoming`. */
function nodeHeader(c: Context, name: string): string | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name) ?? null; // app.request() in tests has no socket
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}

/** Xandr's own limit for tab-separated reports. */
const EXCEL_MAX_ROWS = 100_000;
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
  // Never waited for at start: the edge listens while Redis is away, and a beacon's signature
  // is checked once the shared secret could be read (SPEC 13).
  const secret = config.signingSecret
    ? { result: Promise.resolve(config.signingSecret), firstAttempt: Promise.resolve(), stop() {} }
    : keepTrying("signing secret", () => sharedSigningSecret(redis), log);
  const pixelCache = new CachedPixelConfigs(new RedisPixelConfigs(redis), {
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
    advertisers: advertiserCache.over(new RedisAdvertiserSettings(redis)),
    attribution: new RedisAttributionStore(redis),
    fireLog,
  };
  const storage = metrics ? instrumentStorage(bare, metrics) : bare;
  const toEdges = edgeSync(
    { configs: new RedisPixelConfigs(redis), notices: new RedisPixelChangeNotices(redis) },
    kv,
    log,
  );
  const stores = createApiStores(redis, clock);
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
    // This process's cache is dropped before the API answers, so a fire right after a PUT
    // here sees the change; other processes hear of it over pub/sub.
    syncPixels: async (change) => {
      for (const pixel of change.pixels) pixelCache.invalidate(pixel.id);
      advertiserCache.invalidate();
      await toEdges(change);
    },
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
        redis: await answersWithin(redis.ping(), "unreachable"),
        store: await fireLog.status(),
        spool: !spool
          ? "ok"
          : spool.full
            ? `full (${spool.bytes} bytes): new fires are not kept`
            : "ok",
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
    drain,
    async close() {
      secret.stop();
      await reportRunner.stop();
      subscriber.disconnect();
      await tasks.drain();
      // What Redis has not taken by now stays in the spool for the next start.
      await fires.stop();
    },
  };
}
