import type { Logger } from "../deps.js";
import type { EdgePixel } from "../pixels/pixel-document.js";
import type { AttributionStore, FireLog } from "../storage/ports.js";
import type { AcceptedFire } from "./log-rows.js";
import { type FireToRecord, recordFires } from "./record-fires.js";

/** Runs `work` once the current I/O phase is over (Node), or on the next turn elsewhere. */
const nextTurn: (work: () => void) => void =
  typeof setImmediate === "function" ? (work) => setImmediate(work) : (work) => setTimeout(work, 0);

/** Where the edge hands accepted fires; recording happens after the response. */
export interface FireSink {
  record(fire: AcceptedFire, pixel: EdgePixel | null): void;
}

/**
 * Collects the fires accepted during one turn of the event loop and records them together:
 * under load, the requests parsed in one I/O phase share two Redis calls; a lone fire waits for
 * nothing but the end of its own turn. Accepting a fire costs the request an array push.
 */
export class FireQueue implements FireSink {
  private queue: FireToRecord[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly storage: { attribution: AttributionStore; fireLog: FireLog },
    private readonly log: Logger,
    private readonly maxBatch = 512,
  ) {}

  record(fire: AcceptedFire, pixel: EdgePixel | null): void {
    this.queue.push({ fire, pixel });
    if (this.queue.length === 1) nextTurn(() => this.flush());
    else if (this.queue.length >= this.maxBatch) this.flush();
  }

  /** Resolves once every fire recorded so far has been written (or has failed). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const work = recordFires(this.storage, batch).catch((error) => {
      // Section 8's spool will keep these; until then the loss is at least visible.
      this.log({
        level: "error",
        msg: "fires not recorded",
        fires: batch.length,
        error: String(error),
      });
    });
    this.inFlight.add(work);
    work.finally(() => this.inFlight.delete(work));
  }
}
