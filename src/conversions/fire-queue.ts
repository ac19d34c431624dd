import type { Touch } from "../attribution/types.js";
import { LogOnceASecond } from "../log-once-a-second.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import { randomHex } from "../random-hex.js";
import { countFires, type Spool, type SpooledFire, type SpoolRecord } from "../spool/spool.js";
import { SpoolReplayer } from "../spool/spool-replayer.js";
import type { BatchId, FireSink, Logger, WriteStorage } from "../storage/ports.js";
import type { AcceptedFire } from "./log-rows.js";
import { type FireToRecord, recordFires, StoreWriteFailed } from "./record-fires.js";

/** Runs `work` once the current I/O phase is over (Node), or on the next turn elsewhere. */
const nextTurn: (work: () => void) => void =
  typeof setImmediate === "function" ? (work) => setImmediate(work) : (work) => setTimeout(work, 0);

/** A random id per process: the writer part of every batch id (see BatchId). */
export const newWriterId = (): string => randomHex(8);

/** The most fires (or touches) one record of what waits behind the spool holds. */
const SPOOL_RECORD_MAX = 2048;
/** How long what goes behind the spool is gathered before it is added (and fsynced). */
const SPOOL_GATHER_MS = 20;
const DEFAULT_MAX_BATCH = 512;

/**
 * Collects the fires accepted during one turn of the event loop and records them together:
 * under load, the requests parsed in one I/O phase share two Redis calls, and on Node (with
 * `gatherWhileWriting`) so do all those accepted while the previous batch was being written. A
 * lone fire waits for nothing but the end of its own turn. Accepting a fire costs the request
 * an array push.
 *
 * What Redis does not take goes to the spool (when there is one), in the order it was
 * numbered, and while anything is spooled everything new queues behind it, so that Redis takes
 * each writer's batches in order (what makes a replayed batch recognisable). A SpoolReplayer
 * retries the oldest record until Redis is back and the spool is empty.
 */
export class FireQueue implements FireSink {
  private queue: FireToRecord[] = [];
  private touches: Touch[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Batches sent and not yet settled, per kind: what arrives meanwhile waits for them. */
  private firesSending = 0;
  private touchesSending = 0;
  private seq = 0;
  /** Replays the spool, when there is one. */
  private readonly replayer: SpoolReplayer | null;

  constructor(
    private readonly storage: WriteStorage,
    log: Logger,
    private readonly options: {
      spool?: Spool;
      writer?: string;
      maxBatch?: number;
      /**
       * Whether what arrives while a batch is being written waits to go in the next one (see
       * waitsForSending). Node only: on Workers the next batch would be sent by the request
       * whose batch just finished, which may be over, and its I/O cancelled.
       */
      gatherWhileWriting?: boolean;
    } = {},
  ) {
    this.writer = options.writer ?? newWriterId();
    this.notices = new LogOnceASecond(log);
    this.replayer = options.spool
      ? new SpoolReplayer(storage, options.spool, log, () => this.settled())
      : null;
    if (options.spool?.peek()) this.replayer?.start();
  }

  private readonly writer: string;
  /** Outage lines (spooling, spool full), once a second each with their counts. */
  private readonly notices: LogOnceASecond;

  record(fire: AcceptedFire, pixel: EdgePixel | null): void {
    this.enqueue(this.queue, { fire, pixel }, () => this.flush());
  }

  recordUnresolved(fire: AcceptedFire, ref: PixelRef | null): void {
    this.spoolBehind("fires", [{ fire, ref }]);
  }

  touch(touch: Touch): void {
    this.enqueue(this.touches, touch, () => this.flushTouches());
  }

  /** Queues for the end of this turn: the first item schedules the flush, a full queue forces it. */
  private enqueue<T>(queue: T[], item: T, flush: () => void): void {
    queue.push(item);
    if (queue.length === 1) nextTurn(flush);
    else if (queue.length >= this.maxBatch) flush();
  }

  private get maxBatch(): number {
    return this.options.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /**
   * Whether a flush waits for the batch in flight: under load, what arrives while one batch is
   * being written goes in the next, so batches grow with the load and each costs Redis, the
   * store and the client once (one script call and one statement instead of one per turn). A
   * lone fire finds nothing in flight and goes at once. A full queue does not wait.
   */
  private waitsForSending(sending: number, queued: number): boolean {
    return this.options.gatherWhileWriting === true && sending >= 1 && queued < this.maxBatch;
  }

  /** A turn's touches in one call. A touch is stored once however often it is sent: it needs
   * no batch number until spooled. */
  private flushTouches(): void {
    const touches = this.touches;
    if (touches.length === 0 || this.waitsForSending(this.touchesSending, touches.length)) return;
    this.touches = [];
    if (this.spooling) {
      this.spoolBehind("touches", touches);
      return;
    }
    this.touchesSending += 1;
    this.track(
      this.storage.touches
        .record(touches)
        .catch((error) =>
          this.toSpool({ kind: "touches", batch: this.nextBatch(), touches }, error),
        ),
      () => {
        this.touchesSending -= 1;
        this.flushTouches();
      },
    );
  }

  /** Whether new writes go behind spooled ones instead of to Redis. */
  get spooling(): boolean {
    return this.gathering !== null || (this.options.spool?.size ?? 0) > 0;
  }

  /**
   * What goes behind the spool is gathered into records of up to SPOOL_RECORD_MAX items (or
   * what SPOOL_GATHER_MS brings), not one record per turn: the replay writes a record at a
   * time, and under load it must write faster than fires arrive or the spool only grows.
   */
  private gathering: Extract<SpoolRecord, { kind: "fires" | "touches" }> | null = null;
  private gatherTimer: ReturnType<typeof setTimeout> | null = null;

  private spoolBehind(kind: "fires", items: SpooledFire[]): void;
  private spoolBehind(kind: "touches", items: Touch[]): void;
  private spoolBehind(kind: "fires" | "touches", items: unknown[]): void {
    if (this.gathering && this.gathering.kind !== kind) this.spoolGathered();
    if (!this.gathering) {
      this.gathering =
        kind === "fires"
          ? { kind, batch: this.nextBatch(), fires: [] }
          : { kind, batch: this.nextBatch(), touches: [] };
      this.gatherTimer = setTimeout(() => this.spoolGathered(), SPOOL_GATHER_MS);
    }
    const into: unknown[] =
      this.gathering.kind === "fires" ? this.gathering.fires : this.gathering.touches;
    into.push(...items);
    if (into.length >= SPOOL_RECORD_MAX) this.spoolGathered();
  }

  private spoolGathered(): void {
    if (this.gatherTimer) clearTimeout(this.gatherTimer);
    this.gatherTimer = null;
    const record = this.gathering;
    this.gathering = null;
    if (record) this.toSpool(record);
  }

  /**
   * Resolves once every write accepted so far has reached Redis or the spool (and the spool's
   * disk). With `untilEmpty`, also waits for the spool to be replayed.
   */
  async drain(untilEmpty = false): Promise<void> {
    this.flushTouches();
    this.flush();
    this.spoolGathered();
    await this.settled();
    await this.options.spool?.flushed();
    if (untilEmpty) await this.replayer?.done();
  }

  /** Stops replaying (at shutdown; what is left stays in the spool for the next start). */
  async stop(): Promise<void> {
    const replayEnded = this.replayer?.stop();
    await this.drain();
    await replayEnded;
    this.notices.flush();
  }

  /** Resolves once every write sent so far has settled (reached Redis or the spool). */
  private async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private nextBatch(): BatchId {
    this.seq += 1;
    return { writer: this.writer, seq: this.seq };
  }

  /**
   * Batch numbers are given in the order appends are sent, and an append is sent only while
   * nothing is spooled: so Redis sees each writer's numbers in increasing order, and "the
   * newest number a pixel took" tells whether a replayed batch was taken. A batch whose append
   * was sent keeps its number in the spool; one that never got that far gets the next number
   * there, behind the older ones.
   */
  private flush(): void {
    const fires = this.queue;
    if (fires.length === 0 || this.waitsForSending(this.firesSending, fires.length)) return;
    this.queue = [];
    if (this.spooling) {
      this.spoolBehind("fires", fires);
      return;
    }
    let sent: BatchId | null = null;
    const numberAsSent = () => {
      if (this.spooling) throw new Error("held back: older writes are spooled");
      sent = this.nextBatch();
      return sent;
    };
    this.firesSending += 1;
    this.track(
      recordFires(this.storage, fires, numberAsSent).catch((error) =>
        this.toSpool(
          // Redis decided and the store did not take it: keep the decisions, not the fires.
          error instanceof StoreWriteFailed
            ? error.decided
            : { kind: "fires", batch: sent ?? this.nextBatch(), fires },
          error instanceof StoreWriteFailed ? error.reason : error,
        ),
      ),
      () => {
        this.firesSending -= 1;
        this.flush();
      },
    );
  }

  /** `settled` runs before anyone waiting in drain() looks again, so its next batch is seen. */
  private track(work: Promise<unknown>, settled?: () => void): void {
    this.inFlight.add(work);
    work.finally(() => {
      this.inFlight.delete(work);
      settled?.();
    });
  }

  private toSpool(record: SpoolRecord, error?: unknown): void {
    const spool = this.options.spool;
    const fires = countFires(record);
    const touches = record.kind === "touches" ? record.touches.length : 0;
    if (!spool?.add(record)) {
      this.notices.note({
        level: "error",
        msg: !spool
          ? "not recorded"
          : spool.health === "unavailable"
            ? "spool unavailable: not recorded"
            : "spool full: not recorded",
        fires,
        touches,
        // Without an error of its own, the record was meant for the spool from the start.
        error: String(
          error ?? "meant for the spool: a write before it failed, or its config was not read",
        ),
      });
      return;
    }
    if (error !== undefined)
      this.notices.note({
        level: "warn",
        msg: record.kind === "decided" ? "store failed, spooling" : "write failed, spooling",
        fires,
        touches,
        error: String(error),
      });
    this.replayer?.start();
  }
}
