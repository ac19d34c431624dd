import { syntaxError } from "../api-error.js";

/** `?id=1,2,3` (or another id parameter) as numbers, or null when absent. */
export function idList(raw: string | undefined, name = "id"): number[] | null {
  if (raw === undefined || raw === "") return null;
  const ids = raw.split(",").map((v) => v.trim());
  if (ids.length > 100 || ids.some((v) => !/^\d{1,12}$/.test(v)))
    throw syntaxError(name, "must be a comma-separated list of at most 100 ids");
  return ids.map(Number);
}

/** One required id parameter. */
export function oneId(raw: string | undefined, name: string): number | null {
  const ids = idList(raw, name);
  if (ids === null) return null;
  if (ids.length !== 1) throw syntaxError(name, "must be a single id");
  return ids[0] ?? null;
}
