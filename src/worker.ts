import type { Context, ExecutionContext } from "hono";
import { createApp } from "./app.js";
import { BackgroundTasks } from "./background-tasks.js";
import { readConfig } from "./config.js";
import { FireQueue, type FireSink } from "./conversions/fire-queue.js";
import { StoreWriteFailed } from "./conversions/record-fires.js";
import { honoHeader, jsonLogger } from "./deps.js";
import { type QueueProducer, QueueSpool } from "./spool/queue-spool.js";
import type { SpoolRecord } from "./spool/spool.js";
import { writeSpooled } from "./spool/write-spooled.js";
import { IsolatePixelCache } from "./storage/isolate-pixel-cache.js";
import { type KeyValueNamespace, KvPixelConfigs } from "./storage/kv-pixel-configs.js";
import type { EdgeStorage, PixelConfigSource } from "./storage/ports.js";
import { closeRedis, connectRedis, type RedisClient } from "./storage/redis/connect.js";
import { RedisAdvertiserSettings } from "./storage/redis/redis-advertiser-settings.js";
import { RedisAttributionStore } from "./storage/redis/redis-attribution.js";
import { RedisImpressionIds } from "./storage/redis/redis-impression-ids.js";
import { RedisPixelConfigs } from "./storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "./storage/redis/redis-touch-store.js";
import { sharedSigningSecret } from "./storage/redis/signing-secret.js";
import { ShardSink, type WriterNamespace, writeToShard } from "./worker/shard-sink.js";
import { missingStore, type StoreBindings, workerStore } from "./worker/worker-store.js";
import { WriterBatches } from "./worker/writer-batches.js";

// The Workers entry: builds per-request dependencies from the bindings and serves the app.

export interface WorkerEnv extends StoreBindings {
  /** Pixel configs, a read replica the management API writes through to. */
  PIXELS: KeyValueNamespace;
  REDIS_URL: string;
  SIGNING_SECRET?: string;
  ALLOW_UNSIGNED?: string;
  BEACON_MAX_AGE_S?: string;
  HONOR_GPC?: string;
  EDGE_STORAGE_TIMEOUT_MS?: string;
  LOG_RETENTION_DAYS?: string;
  STATS_RETENTION_DAYS?: string;
  /** How long an isolate reuses a pixel config it read (0: read KV every time). */
  PIXEL_CACHE_TTL_MS?: string;
  /** The spool: a Cloudflare Queue this Worker also consumes (wrangler.toml). */
  SPOOL?: QueueProducer;
  /** The RedisWriter Durable Objects: each keeps a Redis connection for a shard of users. */
  WRITERS?: WriterNamespace;
  /** How many writer shards users are spread over (default 16). */
  WRITER_SHARDS?: string;
  /** How long an isolate gathers requests' writes into one call per writer (ms, default 20). */
  WRITER_BATCH_MS?: string;
}

/** The parts of a Cloudflare Queues message batch the consumer uses. */
interface SpoolMessages {
  messages: ReadonlyArray<{
    body: SpoolRecord;
    attempts: number;
    ack(): void;
    retry(options?: { delaySeconds?: number }): void;
  }>;
}

/**
 * What one request uses. A Worker cannot reuse a socket across requests, so a request that
 * touches Redis opens its own connection and closes it when its background work ends. Nothing
 * is built until it is needed: with the writer Durable Objects and a cached pixel config, a
 * fire needs no Redis client at all.
 */
class RequestScope {
  readonly tasks = new BackgroundTasks(jsonLogger);
  readonly fires: FireSink & { drain(): Promise<void> };
  readonly storage: EdgeStorage;
  private client: RedisClient | null = null;
  private closeStore: (() => Promise<void>) | null = null;

  constructor(readonly env: WorkerEnv) {
    const config = settings(env);
    const redisConfigs: PixelConfigSource = {
      get: (ref) => new RedisPixelConfigs(this.redis).get(ref),
    };
    let stores: Omit<EdgeStorage, "pixels" | "impressionIds" | "advertisers"> | null = null;
    const redisStores = () => {
      if (!stores) {
        const opened = workerStore(env, config);
        this.closeStore = opened ? () => opened.sql.close() : null;
        stores = {
          touches: new RedisTouchStore(this.redis),
          attribution: new RedisAttributionStore(this.redis),
          fireLog: opened?.store ?? missingStore,
        };
      }
      return stores;
    };
    this.storage = {
      pixels: isolateCache(config).over(
        new KvPixelConfigs(env.PIXELS, redisConfigs, (work) => this.tasks.track(work)),
      ),
      // Asked before a touch is handed on, so on this request's connection, not the writers'.
      impressionIds: {
        claim: (...args) => new RedisImpressionIds(this.redis).claim(...args),
      },
      // A click asks before it redirects: on this request's connection too.
      advertisers: {
        appendsClickId: (id) => new RedisAdvertiserSettings(this.redis).appendsClickId(id),
      },
      get touches() {
        return redisStores().touches;
      },
      get attribution() {
        return redisStores().attribution;
      },
      get fireLog() {
        return redisStores().fireLog;
      },
    };
    // With writer Durable Objects, the request only hands its writes over; without, it writes
    // them itself over its own connection.
    this.fires = env.WRITERS
      ? new ShardSink(writerBatches(env, env.WRITERS), Number(env.WRITER_SHARDS || 16))
      : new FireQueue(
          this.storage,
          jsonLogger,
          env.SPOOL ? { spool: new QueueSpool(env.SPOOL, jsonLogger) } : {},
        );
  }

  /** This request's Redis connection, opened on first use. */
  get redis(): RedisClient {
    if (!this.client) {
      this.client = connectRedis({ url: this.env.REDIS_URL, lazyConnect: true });
      this.client.on("error", (error: Error) =>
        jsonLogger({ level: "warn", msg: "redis", error: error.message }),
      );
    }
    return this.client;
  }

  async finish(): Promise<void> {
    await this.tasks.drain();
    await this.fires.drain();
    if (this.client) await closeRedis(this.client);
    await this.closeStore?.();
  }
}

type ScopedContext = Context<{ Bindings: WorkerEnv & { scope: RequestScope } }>;
const scopeOf = (c: Context) => (c as ScopedContext).env.scope;

let batches: WriterBatches | null = null;

/** The isolate's batches to the writers: WRITER_BATCH_MS (default 20) gathers requests. */
function writerBatches(env: WorkerEnv, writers: WriterNamespace): WriterBatches {
  batches ??= new WriterBatches(
    Number(env.WRITER_BATCH_MS ?? 20),
    writeToShard(writers, env.SPOOL, jsonLogger),
  );
  return batches;
}

let cachedSecret: string | null = null;
let pixelCache: IsolatePixelCache | null = null;

/** PIXEL_CACHE_TTL_MS (default 30 s; KV itself takes up to a minute to reach every location). */
function isolateCache(config: ReturnType<typeof readConfig>): IsolatePixelCache {
  pixelCache ??= new IsolatePixelCache(config.pixelCacheTtlMs, config.pixelCacheMaxEntries);
  return pixelCache;
}
let cachedSettings: ReturnType<typeof readConfig> | null = null;

function settings(env: WorkerEnv) {
  cachedSettings ??= readConfig(env as unknown as Record<string, string | undefined>);
  return cachedSettings;
}

let app: ReturnType<typeof createApp> | null = null;

function appFor(env: WorkerEnv) {
  const config = settings(env);
  app ??= createApp({
    settings: {
      honorGpc: config.honorGpc,
      allowUnsigned: config.allowUnsigned,
      beaconMaxAgeS: config.beaconMaxAgeS,
      storageTimeoutMs: config.storageTimeoutMs,
      gzipTag: false,
    },
    clock: Date.now,
    storage: (c) => scopeOf(c).storage,
    fires: (c) => scopeOf(c).fires,
    signingSecret: async (c) => {
      const scope = scopeOf(c);
      cachedSecret ??= scope.env.SIGNING_SECRET || (await sharedSigningSecret(scope.redis));
      return cachedSecret;
    },
    header: honoHeader,
    background: (c, work) => scopeOf(c).tasks.track(work),
    log: jsonLogger,
  });
  return app;
}

export { RedisWriter } from "./worker/redis-writer.js";

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const scope = new RequestScope(env);
    const response = await appFor(env).fetch(request, { ...env, scope }, ctx);
    ctx.waitUntil(scope.finish());
    return response;
  },

  /**
   * The spool's consumer: writes each record Redis did not take when it was accepted, and
   * asks the queue to try again later (1 s more each time, up to a minute) while Redis is away.
   */
  async queue(batch: SpoolMessages, env: WorkerEnv): Promise<void> {
    const scope = new RequestScope(env);
    try {
      for (const message of batch.messages) {
        try {
          await writeSpooled(scope.storage, message.body);
          message.ack();
        } catch (error) {
          // Redis decided and the store refused: queue the decisions instead, never decide
          // these fires again (as the Node spool does).
          if (error instanceof StoreWriteFailed && message.body.kind === "fires" && env.SPOOL) {
            if (
              await env.SPOOL.send(error.decided).then(
                () => true,
                () => false,
              )
            ) {
              message.ack();
              continue;
            }
          }
          jsonLogger({ level: "warn", msg: "spool replay failed", error: String(error) });
          message.retry({ delaySeconds: Math.min(60, message.attempts) });
        }
      }
    } finally {
      await scope.finish();
    }
  },
};
