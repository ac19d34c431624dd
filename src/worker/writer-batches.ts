import type { WriterBatch } from "./shard-sink.js";

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
  /** The open window's batches by shard, until its timer sends them. */
  private open: Map<number, WriterBatch> | null = null;

  constructor(
    private readonly windowMs: number,
    /**
     * Writes one shard's batch: resolves once written or spooled (rejects only when the spool
     * queue refuses it too).
     */
    private readonly send: (shard: number, batch: WriterBatch) => Promise<void>,
  ) {}

  /** Adds a request's parts, by shard; resolves once sent (opener) or at once (joiners). */
  add(parts: ReadonlyMap<number, WriterBatch>): Promise<void> {
    const open = this.open;
    if (open) {
      for (const [shard, part] of parts) {
        const batch = open.get(shard);
        if (batch) {
          batch.fires.push(...part.fires);
          batch.touches.push(...part.touches);
        } else open.set(shard, part);
      }
      return Promise.resolve();
    }
    const batches = new Map(parts);
    this.open = batches;
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        this.open = null;
        const sends = [...batches].map(([shard, batch]) => this.send(shard, batch));
        resolve(Promise.all(sends).then(() => undefined));
      }, this.windowMs);
    });
  }
}
