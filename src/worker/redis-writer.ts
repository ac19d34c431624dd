import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../config.js";
import { FireQueue } from "../conversions/fire-queue.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import { jsonLogger } from "../deps.js";
import type { PixelRef } from "../pixels/pixel-document.js";
import { type QueueProducer, QueueSpool } from "../spool/queue-spool.js";
import { CachedPixelConfigs } from "../storage/cached-pixel-configs.js";
import type { WriteStorage } from "../storage/ports.js";
import { connectRedis } from "../storage/redis/connect.js";
import { RedisAttributionStore } from "../storage/redis/redis-attribution.js";
import { RedisPixelConfigs } from "../storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import type { WriterBatch } from "./shard-sink.js";
import { missingStore, type StoreBindings, workerStore } from "./worker-store.js";

/** The Durable Object's `env`: the Worker's, bindings and variables (read by src/config.ts). */
export interface WriterEnv extends StoreBindings, Readonly<Record<string, unknown>> {
  SPOOL?: QueueProducer;
}

/**
 * A Durable Object that writes one shard of users' fires and touches: decided in Redis, then
 * stored in the event store (PostgreSQL), over connections it keeps. A Worker
 * request cannot keep a socket, so opening a Redis connection per request costs more than
 * the request itself; a Durable Object lives on between requests and keeps its connection
 * (and its pixel config cache), and the requests of one shard that arrive together share one
 * batch, as on the Node runtime. Its answer means "written, or spooled to the queue".
 */
export class RedisWriter extends DurableObject<WriterEnv> {
  private readonly fires: FireQueue;
  private readonly storage: WriteStorage;

  constructor(ctx: unknown, env: WriterEnv) {
    super(ctx, env);
    const config = readConfig(env);
    const redis = connectRedis({ url: config.redisUrl ?? undefined, lazyConnect: true });
    redis.on("error", (error: Error) =>
      jsonLogger({ level: "warn", msg: "redis", error: error.message }),
    );
    this.storage = {
      pixels: new CachedPixelConfigs(new RedisPixelConfigs(redis), {
        ttlMs: config.pixelCacheTtlMs,
        maxEntries: config.pixelCacheMaxEntries,
      }),
      touches: new RedisTouchStore(redis),
      attribution: new RedisAttributionStore(redis),
      fireLog: workerStore(env, config, jsonLogger)?.store ?? missingStore,
    };
    this.fires = new FireQueue(
      this.storage,
      jsonLogger,
      env.SPOOL ? { spool: new QueueSpool(env.SPOOL, jsonLogger) } : {},
    );
  }

  /** Writes a request's fires and touches (called over RPC): done once written or spooled. */
  async write(batch: WriterBatch): Promise<void> {
    for (const touch of batch.touches) this.fires.touch(touch);
    const unread: Array<Promise<void>> = [];
    for (const { fire, pixel, ref } of batch.fires) {
      // Most configs are in the writer's cache: recorded without a promise each.
      const known = pixel !== undefined ? pixel : ref ? this.storage.pixels.peek?.(ref) : null;
      if (known !== undefined) this.fires.record(fire, known);
      else if (ref) unread.push(this.recordWhenRead(fire, ref));
    }
    await Promise.all(unread);
    await this.fires.drain();
  }

  private async recordWhenRead(fire: AcceptedFire, ref: PixelRef): Promise<void> {
    try {
      this.fires.record(fire, await this.storage.pixels.get(ref));
    } catch {
      this.fires.recordUnresolved(fire, ref);
    }
  }
}
