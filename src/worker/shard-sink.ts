import type { Touch } from "../attribution/types.js";
import type { FireSink } from "../conversions/fire-queue.js";
import { newWriterId } from "../conversions/fire-queue.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import type { Logger } from "../deps.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import type { QueueProducer } from "../spool/queue-spool.js";
import type { SpooledFire } from "../spool/spool.js";

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

/**
 * A Worker request's fires and touches, handed to the RedisWriter Durable Objects of their
 * users' shards when the request's work ends (in `waitUntil`). A writer that cannot be
 * reached leaves them to the spool queue.
 */
export class ShardSink implements FireSink {
  private fires: SpooledFire[] = [];
  private touches: Touch[] = [];

  constructor(
    private readonly writers: WriterNamespace,
    private readonly shards: number,
    private readonly spool: QueueProducer | undefined,
    private readonly log: Logger,
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
    await Promise.all([...byShard].map(([shard, batch]) => this.send(shard, batch)));
  }

  private async send(shard: number, batch: WriterBatch): Promise<void> {
    try {
      await this.writers.get(this.writers.idFromName(`writer-${shard}`)).write(batch);
    } catch (error) {
      await this.fallBack(batch, error);
    }
  }

  /**
   * A writer that did not answer leaves its batch to the spool queue, each part a record under
   * a writer id of its own. Whether the writer wrote it before failing cannot be known: a
   * counted fire is still counted once (the attribution script remembers it), but the fire log
   * and the report counters could then hold it twice (docs/operations.md).
   */
  private async fallBack(batch: WriterBatch, error: unknown): Promise<void> {
    const fires = batch.fires.length;
    const touches = batch.touches.length;
    if (!this.spool) {
      this.log({ level: "error", msg: "not recorded", fires, touches, error: String(error) });
      return;
    }
    const writer = newWriterId();
    if (fires)
      await this.spool.send({ kind: "fires", batch: { writer, seq: 1 }, fires: batch.fires });
    if (touches)
      await this.spool.send({ kind: "touches", batch: { writer, seq: 2 }, touches: batch.touches });
    this.log({
      level: "warn",
      msg: "writer failed, spooled",
      fires,
      touches,
      error: String(error),
    });
  }
}
