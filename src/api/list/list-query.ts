import { syntaxError } from "../api-error.js";

export type FieldType =
  | "int"
  | "double"
  | "string"
  | "enum"
  | "boolean"
  | "timestamp"
  | "array"
  | "object";

/** A field as `/<service>/meta` describes it; lists honour exactly this. */
export interface FieldMeta {
  name: string;
  type: FieldType;
  sort_by: boolean;
  filter_by: boolean;
}

export interface ListPage<T> {
  items: Array<Partial<T>>;
  count: number;
  startElement: number;
  numElements: number;
}

/** Query parameters every list understands, besides the field filters. */
const PAGING = new Set(["start_element", "num_elements", "sort", "fields"]);
export const MAX_PAGE = 100;

function nonNegativeInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw syntaxError(name, "must be a non-negative integer");
  return Number(raw);
}

function comparable(type: FieldType, raw: string, name: string): number | string {
  if (type === "int" || type === "double") {
    const n = Number(raw);
    if (raw === "" || !Number.isFinite(n)) throw syntaxError(name, `"${raw}" is not a number`);
    return n;
  }
  return raw;
}

type Predicate = (object: Record<string, unknown>) => boolean;

function filterFor(param: string, raw: string, byName: Map<string, FieldMeta>): Predicate {
  // A field's own name wins: `min_minutes_per_conv` is a field, `min_min_minutes_per_conv` its bound.
  const [, prefix = "", name = param] = byName.has(param)
    ? [param, "", param]
    : (/^(min_|max_|like_)?(.*)$/.exec(param) ?? []);
  const field = byName.get(name);
  if (!field?.filter_by)
    throw syntaxError(param, "is not a field this list can be filtered by (see meta)");
  if (prefix === "like_") {
    const needle = raw.toLowerCase();
    return (o) =>
      String(o[name] ?? "")
        .toLowerCase()
        .includes(needle);
  }
  if (prefix === "min_" || prefix === "max_") {
    const bound = comparable(field.type, raw, param);
    return (o) => {
      const v = o[name];
      if (v === null || v === undefined) return false;
      return prefix === "min_" ? (v as number | string) >= bound : (v as number | string) <= bound;
    };
  }
  const wanted = new Set(
    raw.split(",").map((v) => String(comparable(field.type, v.trim(), param))),
  );
  return (o) => wanted.has(String(o[name]));
}

/**
 * Applies the AppNexus list conventions to objects: `field=v1,v2`, `min_`/`max_`/`like_`
 * filters on the fields meta marks filterable, `sort=field.asc|desc` on sortable ones,
 * `start_element`/`num_elements` (at most 100) paging and `fields=a,b`. `consumed` names the
 * parameters the service itself has handled; any other is a filter and must be a real one.
 */
export function listPage<T extends object>(
  objects: readonly T[],
  query: Readonly<Record<string, string>>,
  meta: readonly FieldMeta[],
  consumed: ReadonlySet<string>,
  /** The largest page: MAX_PAGE (100) for JSON lists; an export may take all its rows. */
  maxPage = MAX_PAGE,
): ListPage<T> {
  const byName = new Map(meta.map((f) => [f.name, f]));
  const predicates = Object.entries(query)
    .filter(([param]) => !PAGING.has(param) && !consumed.has(param))
    .map(([param, raw]) => filterFor(param, raw, byName));
  let rows = objects.filter((o) => predicates.every((p) => p(o as Record<string, unknown>)));

  if (query.sort) {
    const [name = "", direction = "asc"] = query.sort.split(".");
    const field = byName.get(name);
    if (!field?.sort_by)
      throw syntaxError("sort", `"${name}" is not a field this list can be sorted by`);
    if (direction !== "asc" && direction !== "desc")
      throw syntaxError("sort", "use field.asc or field.desc");
    const sign = direction === "asc" ? 1 : -1;
    rows = [...rows].sort((a, b) => {
      const x = (a as Record<string, unknown>)[name] as number | string | null;
      const y = (b as Record<string, unknown>)[name] as number | string | null;
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * sign;
    });
  }

  const start = nonNegativeInt("start_element", query.start_element, 0);
  const size = nonNegativeInt("num_elements", query.num_elements, maxPage);
  if (size > maxPage) throw syntaxError("num_elements", `must be at most ${maxPage}`);
  const page = rows.slice(start, start + size);

  let items: Array<Partial<T>> = page;
  if (query.fields) {
    const wanted = query.fields.split(",").map((f) => f.trim());
    for (const f of wanted)
      if (!byName.has(f)) throw syntaxError("fields", `"${f}" is not a field`);
    items = page.map(
      (o) =>
        Object.fromEntries(
          wanted.map((f) => [f, (o as Record<string, unknown>)[f] ?? null]),
        ) as Partial<T>,
    );
  }
  return { items, count: rows.length, startElement: start, numElements: size };
}
