import {
  decidedIn,
  type FireToRecord,
  forgetDecisions,
  recordFires,
} from "../conversions/record-fires.js";
import type { WriteStorage } from "../storage/ports.js";
import type { SpoolRecord } from "./spool.js";

/**
 * Writes one spooled record: its fires attributed in Redis (with their original times) and
 * stored under the record's batch number, its decided fires stored, or its touches recorded.
 * Idempotent: a record written twice is taken once. A fire whose pixel config was not read
 * when it was accepted reads it now. Throws StoreWriteFailed when Redis decided and the store
 * then failed: the caller keeps the decided record instead.
 */
export async function writeSpooled(storage: WriteStorage, record: SpoolRecord): Promise<void> {
  if (record.kind === "touches") {
    await storage.touches.record(record.touches);
    return;
  }
  if (record.kind === "decided") {
    await storage.fireLog.append(record.entries, record.batch);
    await forgetDecisions(storage.attribution, decidedIn(record.entries));
    return;
  }
  const fires: FireToRecord[] = [];
  for (const { fire, pixel, ref } of record.fires)
    fires.push({
      fire,
      pixel: pixel !== undefined ? pixel : ref ? await storage.pixels.get(ref) : null,
    });
  await recordFires(storage, fires, () => record.batch);
}
