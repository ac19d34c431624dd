/**
 * What PostgreSQL's `text` and `jsonb` columns can hold. `text` refuses U+0000 (the server
 * answers "invalid byte sequence for encoding UTF8: 0x00") and `jsonb` refuses it too
 * (`\u0000` "cannot be converted to text"); a lone UTF-16 surrogate is not Unicode text at all:
 * `jsonb` refuses its `\ud800` escape, and a `text` column silently gets U+FFFD instead. A request
 * that would carry either to the store is refused with this reason, naming its field, rather than
 * failing at the INSERT (a 500 on the API; on the write path, a batch the store refuses).
 */

// A high surrogate that no low one follows, or a low one that no high one precedes.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, "0");

/** Why a text or jsonb column cannot hold `text` (its position counted from 1), or null. */
export function unstorableText(text: string): string | null {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) return `contains U+0000 (at character ${nul + 1}), which PostgreSQL cannot store`;
  const lone = LONE_SURROGATE.exec(text);
  if (lone)
    return `contains a lone surrogate U+${hex(lone[0].charCodeAt(0))} (at character ${lone.index + 1}), which is not Unicode text`;
  return null;
}
