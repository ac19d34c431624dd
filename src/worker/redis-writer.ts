import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../config.js";
import { FireQueue } from "../conversions/fire-queue.js";
import { jsonLogger } from "../deps.js";
import { type QueueProducer, QueueSpool } from "../spool/queue-spool.js";
import { CachedPixelConfigs } from "../storage/cached-pixel-configs.js";
import type { EdgeStorage } from "../storage/ports.js";
import { connectRedis } from "../storage/redis/connect.js";
import { RedisAttributionStore } from "../storage/redis/redis-attribution.js";
import { RedisFireLog } from "../storage/redis/redis-fire-log.js";
import { RedisPixelConfigs } from "../storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import type { WriterBatch } from "./shard-sink.js";

export interface WriterEnv {
  REDIS_URL: string;
  SPOOL?: QueueProducer;
  [name: string]: unknown;
}

/**
 * A Durable Object that writes one shard of users' fires and touches to Redis. A Worker
 * request cannot keep a socket, so opening a Redis connection per request costs more than
 * the request itself; a Durable Object lives on between requests and keeps its connection
 * (and its pixel config cache), and the requests of one shard that arrive together share one
 * batch, as on the Node runtime. Its answer means "written, or spooled to the queue".
 */
export class RedisWriter extends DurableObject<WriterEnv> {
  private readonly fires: FireQueue;
  private readonly storage: EdgeStorage;

  constructor(ctx: unknown, env: WriterEnv) {
    super(ctx, env);
    const config = readConfig(env as unknown as Record<string, string | undefined>);
    const redis = connectRedis({ url: env.REDIS_URL, lazyConnect: true });
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
      fireLog: new RedisFireLog(redis, config.retention),
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
    await Promise.all(
      batch.fires.map(async ({ fire, pixel, ref }) => {
        if (pixel !== undefined) return this.fires.record(fire, pixel);
        try {
          this.fires.record(fire, ref ? await this.storage.pixels.get(ref) : null);
        } catch {
          this.fires.recordUnresolved(fire, ref ?? null);
        }
      }),
    );
    await this.fires.drain();
  }
}
