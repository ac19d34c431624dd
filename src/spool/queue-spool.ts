import type { Logger } from "../storage/ports.js";
import { countFires, type Spool, type SpoolRecord } from "./spool.js";

/** The part of a Cloudflare Queue producer binding the spool uses. */
export interface QueueProducer {
  send(body: unknown): Promise<void>;
}

/**
 * The Workers spool: a record Redis did not take is sent to a Cloudflare Queue, whose
 * consumer (the same Worker's `queue` handler) writes it once Redis is back and retries it
 * until then. A request holds nothing back: each has its own batch numbering, so records do
 * not wait behind one another as they do in the Node file spool.
 */
export class QueueSpool implements Spool {
  private pending: Array<Promise<void>> = [];

  constructor(
    private readonly queue: QueueProducer,
    private readonly log: Logger,
  ) {}

  add(record: SpoolRecord): boolean {
    const fires = countFires(record);
    this.pending.push(
      this.queue.send(record).then(
        () => this.log({ level: "warn", msg: "spooled", records: 1, fires }),
        (error) =>
          this.log({
            level: "error",
            msg: "spool write failed",
            records: 1,
            fires,
            error: String(error),
          }),
      ),
    );
    return true;
  }

  /** The queue's consumer replays: nothing waits here. */
  peek(): undefined {
    return undefined;
  }

  remove(): void {}

  readonly size = 0;
  readonly bytes = 0;
  readonly full = false;
  /** A send that fails is logged as such; the queue itself has no disk to fail. */
  readonly health = "ok" as const;

  async flushed(): Promise<void> {
    await Promise.all(this.pending);
  }

  close(): Promise<void> {
    return this.flushed();
  }
}
