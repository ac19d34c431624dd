import { randomHex } from "../random-hex.js";

/**
 * Ids for accepted fires (the conversion id and the idempotency key), shaped as UUIDs: 64
 * random bits drawn once per process (or isolate) and a 64-bit counter. Unique without a
 * syscall per fire, which `crypto.randomUUID()` would cost on the hot path, and stored in 16
 * bytes by the event store.
 *
 * @example newFireId() // "3f1c9a0b-77d2-e415-0000-00000000002a"
 */
let prefix: string | null = null;
let counter = 0;

export function newFireId(): string {
  // Drawn on first use: Workers forbid random values at module scope.
  prefix ??= randomHex(8);
  counter += 1;
  return uuidOf(prefix, counter);
}

/** The UUID of 16 hex digits of prefix and a counter (as 16 more). */
function uuidOf(prefix: string, count: number): string {
  const c = count.toString(16).padStart(16, "0");
  return `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-${prefix.slice(12)}-${c.slice(0, 4)}-${c.slice(4)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EARLIER_FORMAT = /^([0-9a-f]{16})-([0-9a-z]{1,12})$/;

/**
 * A fire id as a UUID, including the `<16 hex>-<base-36 counter>` ids of earlier versions
 * that a spool may still hold (mapped the same way newFireId builds its ids).
 */
export function fireIdAsUuid(id: string): string | null {
  if (UUID.test(id)) return id.toLowerCase();
  const earlier = EARLIER_FORMAT.exec(id);
  if (!earlier?.[1] || !earlier[2]) return null;
  return uuidOf(earlier[1], Number.parseInt(earlier[2], 36));
}
