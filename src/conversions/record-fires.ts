import { ineligibility, isKnownUser } from "../attribution/eligibility.js";
import type { Decision } from "../attribution/types.js";
import type { EdgePixel } from "../pixels/pixel-document.js";
import type { SpoolRecord } from "../spool/spool.js";
import type { AttributionStore, BatchId, DecidedFire, FireLog } from "../storage/ports.js";
import { type AcceptedFire, type FireLogEntry, fireLogRow } from "./log-rows.js";

export interface FireToRecord {
  fire: AcceptedFire;
  /** The pixel's config, or null when no pixel answers to what the browser asked for. */
  pixel: EdgePixel | null;
}

/**
 * The store did not take a batch that Redis had decided: what to keep (in the spool) so that
 * it is written later exactly as decided, never decided again.
 */
export class StoreWriteFailed extends Error {
  constructor(
    readonly entries: FireLogEntry[],
    readonly batch: BatchId,
    readonly reason: unknown,
  ) {
    super(`store write failed: ${String((reason as Error)?.message ?? reason)}`);
  }

  /** What the spool keeps instead of the fires: the decisions, under the same batch number. */
  get decided(): SpoolRecord {
    return { kind: "decided", batch: this.batch, entries: this.entries };
  }
}

/**
 * Attributes and records a batch of fires, in order: one call to the attribution store (Redis)
 * for the fires whose history can matter (known users on eligible pixels), then one to the
 * event store. The same batch (same id, same fires) recorded again changes nothing. When the
 * event store fails after Redis decided, it throws StoreWriteFailed with the decided entries.
 */
export async function recordFires(
  storage: { attribution: AttributionStore; fireLog: FireLog },
  batch: readonly FireToRecord[],
  /** Numbers the batch as its append is sent (see FireQueue): may throw to hold it back. */
  batchId: () => BatchId,
): Promise<void> {
  const decisions: Array<Decision | null> = batch.map(({ fire, pixel }) => {
    const reason = pixel ? ineligibility(pixel, fire) : null;
    return reason ? { attributed: false, counted: false, reason } : null;
  });
  const toDecide = batch.flatMap((item, i) =>
    item.pixel && !decisions[i] ? [{ index: i, pixel: item.pixel, fire: item.fire }] : [],
  );
  if (toDecide.length > 0) {
    const decided = await storage.attribution.decide(toDecide);
    for (const [j, { index }] of toDecide.entries()) decisions[index] = decided[j] ?? null;
  }
  const entries: FireLogEntry[] = batch.map(({ fire, pixel }, i) => {
    const decision = decisions[i] ?? null;
    return {
      fire: fireLogRow(fire, pixel, decision),
      revenue: decision?.counted ? decision.revenue : null,
    };
  });
  const id = batchId();
  try {
    await storage.fireLog.append(entries, id);
  } catch (error) {
    throw new StoreWriteFailed(entries, id, error);
  }
  await forgetDecisions(
    storage.attribution,
    toDecide.map(({ pixel, fire }) => ({ pixelId: pixel.id, fire })),
  );
}

/**
 * Tells the attribution store that these decided fires are stored (waited for, so that a
 * drain or a shutdown leaves nothing behind); a failure is no failure of the batch, which is
 * stored: a decision not forgotten only waits for its expiry.
 */
export async function forgetDecisions(
  attribution: AttributionStore,
  fires: DecidedFire[],
): Promise<void> {
  if (fires.length > 0) await attribution.forget(fires).catch(() => {});
}

/** The fires of stored entries that the attribution store may have decided (and remembers). */
export function decidedIn(entries: readonly FireLogEntry[]): DecidedFire[] {
  return entries.flatMap(({ fire }) =>
    fire.pixel_id !== null && isKnownUser(fire.user_id) && REMEMBERED.has(fire.reason)
      ? [{ pixelId: fire.pixel_id, fire }]
      : [],
  );
}

/** The reasons the attribution store gives (the others are decided without it). */
const REMEMBERED = new Set<string>([
  "counted",
  "no_touch",
  "duplicate_event",
  "duplicate_order",
  "repeat_user",
  "repeat_interval",
]);
