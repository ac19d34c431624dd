import { BackgroundTasks } from "../background-tasks.js";
import type { Config } from "../config.js";
import { FireQueue } from "../conversions/fire-queue.js";
import { QueueSpool } from "../spool/queue-spool.js";
import type { AdvertiserSettingsCache } from "../storage/advertiser-settings-cache.js";
import type { IsolatePixelCache } from "../storage/isolate-pixel-cache.js";
import { KvPixelConfigs } from "../storage/kv-pixel-configs.js";
import type { EdgeStorage, FireSink, Logger, PixelConfigSource } from "../storage/ports.js";
import { closeRedis, connectRedis, type RedisClient } from "../storage/redis/connect.js";
import { RedisAdvertiserSettings } from "../storage/redis/redis-advertiser-settings.js";
import { RedisAttributionStore } from "../storage/redis/redis-attribution.js";
import { RedisImpressionIds } from "../storage/redis/redis-impression-ids.js";
import { RedisPixelConfigs } from "../storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import { ShardSink } from "./shard-sink.js";
import type { WorkerEnv } from "./worker-env.js";
import { missingStore, workerStore } from "./worker-store.js";
import type { WriterBatches } from "./writer-batches.js";

interface Connection {
  client: RedisClient;
  touches: RedisTouchStore;
  attribution: RedisAttributionStore;
}

/** What a request's scope shares with the isolate's other requests. */
export interface IsolateParts {
  config: Config;
  log: Logger;
  pixelCache: IsolatePixelCache;
  /** Advertisers' click settings the isolate remembers (PIXEL_CACHE_TTL_MS, as its configs). */
  advertiserCache: AdvertiserSettingsCache;
  /** The batches to the RedisWriter Durable Objects, when the WRITERS binding is there. */
  writerBatches: WriterBatches | null;
}

/**
 * What one request uses. A Worker cannot reuse a socket across requests, so a request that
 * touches Redis opens its own connection and closes it when its background work ends. Nothing
 * is built until it is needed: with the writer Durable Objects and a cached pixel config, a
 * fire needs no Redis client at all.
 */
export class RequestScope {
  readonly tasks: BackgroundTasks;
  readonly fires: FireSink & { drain(): Promise<void> };
  readonly storage: EdgeStorage;
  private connection: Connection | null = null;
  private closeStore: (() => Promise<void>) | null = null;

  constructor(
    readonly env: WorkerEnv,
    private readonly isolate: IsolateParts,
  ) {
    const { config, log } = isolate;
    this.tasks = new BackgroundTasks(log);
    const redisConfigs: PixelConfigSource = {
      get: (ref) => new RedisPixelConfigs(this.redis).get(ref),
    };
    let stores: Omit<EdgeStorage, "pixels" | "impressionIds" | "advertisers"> | null = null;
    const redisStores = () => {
      if (!stores) {
        const opened = workerStore(env, config, log);
        this.closeStore = opened ? () => opened.sql.close() : null;
        const { touches, attribution } = this.connected();
        stores = { touches, attribution, fireLog: opened?.store ?? missingStore };
      }
      return stores;
    };
    this.storage = {
      pixels: isolate.pixelCache.over(
        new KvPixelConfigs(env.PIXELS, redisConfigs, (work) => this.tasks.track(work)),
      ),
      // Asked before a touch is handed on, so on this request's connection, not the writers'.
      impressionIds: {
        claim: (...args) => new RedisImpressionIds(this.redis).claim(...args),
      },
      // A click asks before it redirects, on this request's connection too, unless the isolate
      // read it lately: with the writers, a click then opens no connection at all.
      advertisers: isolate.advertiserCache.over({
        appendsClickId: (id) => new RedisAdvertiserSettings(this.redis).appendsClickId(id),
      }),
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
    this.fires = isolate.writerBatches
      ? new ShardSink(isolate.writerBatches, config.writerShards)
      : new FireQueue(
          this.storage,
          log,
          env.SPOOL ? { spool: new QueueSpool(env.SPOOL, log) } : {},
        );
  }

  /** This request's Redis connection, opened on first use. */
  get redis(): RedisClient {
    return this.connected().client;
  }

  /**
   * The connection and the stores that define Lua scripts on it, made together: ioredis's
   * auto-pipeline of the current tick knows only the commands defined when it began, so a
   * script defined after a first command fails in it ("pipeline[functionName] is not a
   * function"). A click's touch, queued in the turn of its append_click_id read, was lost so.
   */
  private connected(): Connection {
    if (!this.connection) {
      const log = this.isolate.log;
      const client = connectRedis({
        url: this.isolate.config.redisUrl ?? undefined,
        lazyConnect: true,
      });
      client.on("error", (error: Error) =>
        log({ level: "warn", msg: "redis", error: error.message }),
      );
      this.connection = {
        client,
        touches: new RedisTouchStore(client),
        attribution: new RedisAttributionStore(client),
      };
    }
    return this.connection;
  }

  async finish(): Promise<void> {
    await this.tasks.drain();
    await this.fires.drain();
    if (this.connection) await closeRedis(this.connection.client);
    await this.closeStore?.();
  }
}
