import { formatTimestamp } from "../../conversions/timestamps.js";

/** `created_on` and `last_modified` for a new object. */
export function creationStamps(now: number): { created_on: string; last_modified: string } {
  const stamp = formatTimestamp(now);
  return { created_on: stamp, last_modified: stamp };
}
