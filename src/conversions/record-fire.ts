import { ineligibility } from "../attribution/eligibility.js";
import type { Decision } from "../attribution/types.js";
import type { EdgePixel } from "../pixels/pixel-document.js";
import type { AttributionStore, FireLog } from "../storage/ports.js";
import { type AcceptedFire, conversionRow, type FireLogRow, fireLogRow } from "./log-rows.js";

/**
 * Attributes one accepted fire and records it: at most one call to the attribution store
 * (skipped when no history can matter) and one to the fire log.
 */
export async function recordFire(
  storage: { attribution: AttributionStore; fireLog: FireLog },
  fire: AcceptedFire,
  pixel: EdgePixel | null,
): Promise<FireLogRow> {
  let decision: Decision | null = null;
  if (pixel) {
    const reason = ineligibility(pixel, fire);
    decision = reason
      ? { attributed: false, counted: false, reason }
      : await storage.attribution.decide(pixel, fire);
  }
  const row = fireLogRow(fire, pixel, decision);
  await storage.fireLog.append(
    row,
    pixel && decision ? conversionRow(fire, pixel, decision) : null,
  );
  return row;
}
