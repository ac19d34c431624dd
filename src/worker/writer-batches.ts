import type { WriterBatch } from "./shard-sink.js";

interface Window {
  batches: Map<number, WriterBatch>;
  sent: Promise<void>;
}

/**
 * Shared by the requests one isolate serves at once: what they hand the writers within
 * `windowMs` of each other goes in one RPC per shard, so a busy isolate makes one call per
 * shard and window instead of one per request (a call costs the isolate more than the request
 * that makes it).
 *
 * The request that opens a window sends it, from its own context, and waits in its
 * `waitUntil` until every writer answered (or the batch was spooled). The requests that join
 * end at once: their writes ride on the opener's context, and none of them waits on a promise
 * another request resolves (which workerd cancels when that other request ends first).
 */
export class WriterBatches {
  private window: Window | null = null;

  constructor(
    private readonly windowMs: number,
    /** Writes one shard's batch: resolves once written or spooled, never rejects. */
    private readonly send: (shard: number, batch: WriterBatch) => Promise<void>,
  ) {}

  /** Adds a request's parts, by shard; resolves once sent (opener) or at once (joiners). */
  add(parts: ReadonlyMap<number, WriterBatch>): Promise<void> {
    const open = this.window;
    if (open) {
      for (const [shard, part] of parts) {
        const batch = open.batches.get(shard);
        if (batch) {
          batch.fires.push(...part.fires);
          batch.touches.push(...part.touches);
        } else open.batches.set(shard, part);
      }
      return Promise.resolve();
    }
    const batches = new Map(parts);
    const sent = new Promise<void>((resolve) => {
      setTimeout(() => {
        this.window = null;
        const sends = [...batches].map(([shard, batch]) => this.send(shard, batch));
        resolve(Promise.all(sends).then(() => undefined));
      }, this.windowMs);
    });
    this.window = { batches, sent };
    return sent;
  }
}
