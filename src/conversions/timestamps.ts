/** AppNexus timestamps: `"YYYY-MM-DD HH:MM:SS"` in UTC. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** Parses an AppNexus timestamp (UTC) back to epoch ms. */
export function parseTimestamp(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}Z`);
}
