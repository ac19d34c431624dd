import { StoreWriteFailed } from "../conversions/record-fires.js";
import type { Logger, WriteStorage } from "../storage/ports.js";
import { countFires, type Spool } from "./spool.js";
import { writeSpooled } from "./write-spooled.js";

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

/**
 * Writes what a spool holds, the oldest record first, until it is empty: after a failure it
 * waits (100 ms, doubling up to 2 s) and tries the same record again, so records are taken in
 * the order they were numbered. FireQueue starts it whenever it spools something.
 */
export class SpoolReplayer {
  private replaying: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly storage: WriteStorage,
    private readonly spool: Spool,
    private readonly log: Logger,
    /**
     * Resolves once the live writes sent so far have settled: a batch still in flight may yet
     * fail and join the spool behind newer ones, so the replay waits for it.
     */
    private readonly liveSettled: () => Promise<void>,
  ) {}

  /** Starts replaying, unless a replay is running or the replayer was stopped. */
  start(): void {
    if (this.replaying || this.stopped) return;
    this.replaying = this.replay().finally(() => {
      this.replaying = null;
    });
  }

  /** Resolves once the spool was replayed empty (or the replay stopped). */
  async done(): Promise<void> {
    while (this.replaying) await this.replaying;
  }

  /**
   * Stops after the record being written (at shutdown: what is left stays in the spool for the
   * next start). Takes effect at once; resolves when the replay has ended.
   */
  stop(): Promise<void> {
    this.stopped = true;
    return this.replaying ?? Promise.resolve();
  }

  private async replay(): Promise<void> {
    let wait = RETRY_MIN_MS;
    let replayed = 0;
    for (;;) {
      await this.liveSettled();
      const record = this.spool.peek();
      if (!record || this.stopped) break;
      try {
        await writeSpooled(this.storage, record);
        this.spool.remove(record);
        replayed += countFires(record);
        wait = RETRY_MIN_MS;
      } catch (error) {
        // Redis decided these fires and the store refused them: from now on the record is
        // the decisions (same batch number, same place in the spool), never decided again.
        if (error instanceof StoreWriteFailed && record.kind === "fires")
          if (this.spool.add(error.decided)) this.spool.remove(record);
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, RETRY_MAX_MS);
      }
    }
    if (replayed > 0)
      this.log({ level: "info", msg: "spool replayed", fires: replayed, left: this.spool.size });
  }
}
