/**
 * Ids for accepted fires (the conversion id and the idempotency key): a random prefix drawn
 * once per process (or isolate) and a counter. Unique without a syscall per fire, which
 * `crypto.randomUUID()` would cost on the hot path.
 */
let prefix: string | null = null;
let counter = 0;

export function newFireId(): string {
  // Drawn on first use: Workers forbid random values at module scope.
  prefix ??= Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  counter += 1;
  return `${prefix}-${counter.toString(36)}`;
}
