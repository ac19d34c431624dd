import { MAX_OBJECT_ID, parseObjectId } from "../../fields/object-id.js";
import { syntaxError } from "../api-error.js";

/** `?id=1,2,3` (or another id parameter) as numbers, or null when absent. */
export function idList(raw: string | undefined, name = "id"): number[] | null {
  if (raw === undefined || raw === "") return null;
  const ids = raw.split(",").map((v) => v.trim());
  const parsed = ids.map(parseObjectId);
  if (ids.length > 100 || parsed.some((id) => id === null))
    throw syntaxError(
      name,
      `must be a comma-separated list of at most 100 ids, each from 1 to ${MAX_OBJECT_ID}`,
    );
  return parsed as number[];
}

/** One required id parameter. */
export function oneId(raw: string | undefined, name: string): number | null {
  const ids = idList(raw, name);
  if (ids === null) return null;
  if (ids.length !== 1) throw syntaxError(name, "must be a single id");
  return ids[0] ?? null;
}
