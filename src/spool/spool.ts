import type { Touch } from "../attribution/types.js";
import type { AcceptedFire, FireLogEntry } from "../conversions/log-rows.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import type { BatchId } from "../storage/ports.js";

/** A fire as the edge accepted it: with its pixel's config, or only the reference to find it. */
export interface SpooledFire {
  fire: AcceptedFire;
  /** The config the edge had (null: no such pixel); absent when it could not be read. */
  pixel?: EdgePixel | null;
  ref?: PixelRef | null;
}

/**
 * What the edge accepted and could not write, in the order it was numbered: fires to attribute
 * and log, fires Redis has decided that the event store has not taken yet (`decided`: written
 * as decided, never decided again), or touches to record. Replaying a record twice changes
 * nothing (the attribution script remembers each decision until its batch is stored, the
 * event store each batch it took, and a touch is stored once), so a record is removed only
 * after it was taken.
 */
export type SpoolRecord =
  | { kind: "fires"; batch: BatchId; fires: SpooledFire[] }
  | { kind: "decided"; batch: BatchId; entries: FireLogEntry[] }
  | { kind: "touches"; batch: BatchId; touches: Touch[] };

/**
 * Whether a spool keeps what it is given: ok; failing, when its disk refuses writes (what it
 * takes waits in memory only, and is lost if the process ends); unavailable, when no spool
 * could be opened (nothing is kept).
 */
export type SpoolHealth = "ok" | "failing" | "unavailable";

/** Where accepted writes wait while Redis is away (a file on Node). */
export interface Spool {
  /** Adds a record; false when the spool is full and the record was not kept. */
  add(record: SpoolRecord): boolean;
  /** The oldest record, or undefined when the spool is empty. */
  peek(): SpoolRecord | undefined;
  /** Removes a record, once Redis has taken it. */
  remove(record: SpoolRecord): void;
  readonly size: number;
  readonly bytes: number;
  readonly full: boolean;
  readonly health: SpoolHealth;
  /** Resolves once every record added so far is durable. */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

export const countFires = (record: SpoolRecord): number =>
  record.kind === "fires"
    ? record.fires.length
    : record.kind === "decided"
      ? record.entries.length
      : 0;
