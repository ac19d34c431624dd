/**
 * `bytes` random bytes as lower-case hex (Web Crypto: the same on Node and Workers). Workers
 * forbid random values at module scope: call it in a handler, or on first use.
 *
 * @example randomHex(8) // "3f1c9a0b77d2e415"
 */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}
