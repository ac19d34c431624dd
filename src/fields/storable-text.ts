/**
 * Why PostgreSQL's `text` or `jsonb` cannot hold `text`, or null when it can: neither holds
 * U+0000, and a lone UTF-16 surrogate (half of a character, which JSON can carry as `\ud800`)
 * is no character at all.
 *
 * @example unstorableText("a\u0000b") // "contains U+0000"
 */
// In a `u` regex a pair of surrogates is one code point, so this finds only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

export function unstorableText(text: string): string | null {
  if (text.includes("\u0000")) return "contains U+0000";
  if (LONE_SURROGATE.test(text)) return "contains a lone UTF-16 surrogate";
  return null;
}
