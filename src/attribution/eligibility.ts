import type { Fire, PixelRules, UnattributedReason } from "./types.js";
import { creditableLineItems } from "./windows.js";

/** Users whose fires can never be attributed: no cookie (`0`) or opted out (`-1`). */
export function isKnownUser(userId: string): boolean {
  return userId !== "0" && userId !== "-1" && userId !== "";
}

/**
 * The checks that need no history (SPEC 4.1): who fired and whether the pixel can attribute.
 * Returns the reason the fire cannot be attributed, or null when touches must be looked at.
 */
export function ineligibility(pixel: PixelRules, fire: Fire): UnattributedReason | null {
  if (!isKnownUser(fire.user_id)) return "unknown_user";
  if (pixel.state !== "active") return "inactive_pixel";
  if (creditableLineItems(pixel).length === 0) return "no_line_item";
  return null;
}
