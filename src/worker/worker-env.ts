import type { QueueProducer } from "../spool/queue-spool.js";
import type { KeyValueNamespace } from "../storage/kv-pixel-configs.js";
import type { WriterNamespace } from "./shard-sink.js";
import type { StoreBindings } from "./worker-store.js";

/**
 * A Worker's `env`: its bindings, and its variables (read and checked by src/config.ts, as on
 * Node: REDIS_URL, SIGNING_SECRET, WRITER_SHARDS, …).
 */
export interface WorkerEnv extends StoreBindings, Readonly<Record<string, unknown>> {
  /** Pixel configs, a read replica the management API writes through to. */
  PIXELS: KeyValueNamespace;
  /** The spool: a Cloudflare Queue this Worker also consumes (wrangler.toml). */
  SPOOL?: QueueProducer;
  /** The RedisWriter Durable Objects: each keeps a Redis connection for a shard of users. */
  WRITERS?: WriterNamespace;
}
