import { fireIdAsUuid } from "../../conversions/fire-id.js";

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/** FNV-1a over a string, 32 bits, from `seed`. */
function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16_777_619);
  return hash;
}

/** 64 bits of hash in 16 hex characters: two FNV-1a passes with different seeds. */
const hash16 = (text: string) => hex8(fnv1a(text, 0x811c9dc5)) + hex8(fnv1a(text, 0x01000193));

/**
 * A fire id in 16 hex characters, as Redis remembers a fire's decision until its batch is
 * stored (a short field keeps the hash in Redis's compact encoding). For the edge's ids (64
 * random bits per process and a counter) it is the two halves XORed: distinct within a
 * process, and the script compares it only among one user's fires on one pixel in one day.
 *
 * @example fireKey("3f1c9a0b-77d2-e415-0000-00000000002a") // "3f1c9a0b77d2e43f"
 */
export function fireKey(id: string): string {
  const uuid = fireIdAsUuid(id);
  if (!uuid) return hash16(id);
  const h = uuid.replaceAll("-", "");
  const part = (from: number) => Number.parseInt(h.slice(from, from + 8), 16);
  return hex8(part(0) ^ part(16)) + hex8(part(8) ^ part(24));
}

/**
 * An event_id in 16 hex characters of its hash, as the user's repeat state
 * remembers counted events: an id of up to 64 characters would push the state out of Redis's
 * compact encoding. The script compares it only among one user's events on one pixel.
 *
 * @example eventKey("order-1001-purchase") // 16 hex characters
 */
export function eventKey(eventId: string): string {
  return hash16(eventId);
}
