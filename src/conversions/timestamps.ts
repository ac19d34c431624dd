// The last few seconds formatted, by second: a batch of fires shares a handful of seconds,
// and formatting costs more than the rest of a conversion row.
const CACHE_SIZE = 64;
const cachedSeconds = new Float64Array(CACHE_SIZE).fill(Number.NaN);
const cachedTexts: string[] = new Array(CACHE_SIZE).fill("");

/** AppNexus timestamps: `"YYYY-MM-DD HH:MM:SS"` in UTC. */
export function formatTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  const slot = second & (CACHE_SIZE - 1);
  if (cachedSeconds[slot] === second) return cachedTexts[slot] ?? "";
  const text = new Date(second * 1000).toISOString().slice(0, 19).replace("T", " ");
  cachedSeconds[slot] = second;
  cachedTexts[slot] = text;
  return text;
}

/** Parses an AppNexus timestamp (UTC) back to epoch ms. */
export function parseTimestamp(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}Z`);
}
