import type { Touch } from "../attribution/types.js";
import { newWriterId } from "../conversions/fire-queue.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import type { QueueProducer } from "../spool/queue-spool.js";
import type { SpooledFire } from "../spool/spool.js";
import type { FireSink, Logger } from "../storage/ports.js";

/** What a Worker request sends its shard's RedisWriter. */
export interface WriterBatch {
  fires: SpooledFire[];
  touches: Touch[];
}

/** The part of a Durable Object namespace binding the sink uses. */
export interface WriterNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { write(batch: WriterBatch): Promise<void> };
}

/** FNV-1a: the same user always goes to the same shard, so its writes stay in order. */
function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** Adds a request's parts, by shard, to the batches going to the writers. */
export interface ShardBatches {
  add(parts: ReadonlyMap<number, WriterBatch>): Promise<void>;
}

/**
 * A Worker request's fires and touches, handed to the RedisWriter Durable Objects of their
 * users' shards when the request's work ends (in `waitUntil`), in the batches the isolate's
 * requests share (src/worker/writer-batches.ts).
 */
export class ShardSink implements FireSink {
  private fires: SpooledFire[] = [];
  private touches: Touch[] = [];

  constructor(
    private readonly batches: ShardBatches,
    private readonly shards: number,
  ) {}

  record(fire: AcceptedFire, pixel: EdgePixel | null): void {
    // The writer keeps its own config cache: a reference is all it needs, and far less to copy.
    this.fires.push(pixel ? { fire, ref: { id: pixel.id } } : { fire, pixel: null });
  }

  recordUnresolved(fire: AcceptedFire, ref: PixelRef | null): void {
    this.fires.push({ fire, ref });
  }

  touch(touch: Touch): void {
    this.touches.push(touch);
  }

  /** Sends what was accepted to the writers; resolves once each answered or it was spooled. */
  async drain(): Promise<void> {
    const byShard = new Map<number, WriterBatch>();
    const batchOf = (userId: string) => {
      const shard = shardOf(userId, this.shards);
      const found = byShard.get(shard);
      if (found) return found;
      const batch: WriterBatch = { fires: [], touches: [] };
      byShard.set(shard, batch);
      return batch;
    };
    for (const item of this.fires) batchOf(item.fire.user_id).fires.push(item);
    for (const touch of this.touches) batchOf(touch.user_id).touches.push(touch);
    this.fires = [];
    this.touches = [];
    if (byShard.size > 0) await this.batches.add(byShard);
  }
}

/** Items per spool record: a queue message holds at most 128 KB (a fire row is ~0.5 KB). */
const SPOOL_CHUNK = 100;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SPOOL_CHUNK) out.push(items.slice(i, i + SPOOL_CHUNK));
  return out;
}

/**
 * Sends a shard's batch to its RedisWriter over RPC. A writer that did not answer leaves the
 * batch to the spool queue, each part a record under a writer id of its own. Whether the
 * writer wrote it before failing cannot be known: a counted fire is still counted once (the
 * attribution script remembers it), but the fire log and the report counters could then hold
 * it twice (docs/operations.md).
 */
export function writeToShard(
  writers: WriterNamespace,
  spool: QueueProducer | undefined,
  log: Logger,
): (shard: number, batch: WriterBatch) => Promise<void> {
  return async (shard, batch) => {
    try {
      await writers.get(writers.idFromName(`writer-${shard}`)).write(batch);
    } catch (error) {
      const fires = batch.fires.length;
      const touches = batch.touches.length;
      if (!spool) {
        log({ level: "error", msg: "not recorded", fires, touches, error: String(error) });
        return;
      }
      // A writer id per record: the queue may deliver them in any order.
      for (const part of chunks(batch.fires))
        await spool.send({ kind: "fires", batch: { writer: newWriterId(), seq: 1 }, fires: part });
      for (const part of chunks(batch.touches))
        await spool.send({
          kind: "touches",
          batch: { writer: newWriterId(), seq: 1 },
          touches: part,
        });
      log({ level: "warn", msg: "writer failed, spooled", fires, touches, error: String(error) });
    }
  };
}
