import type { FieldType, ListFilter, ListQuery } from "../../storage/object-store.js";
import { syntaxError } from "../api-error.js";

export type { FieldType, ListQuery };

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

function filterOf(param: string, raw: string, byName: Map<string, FieldMeta>): ListFilter {
  // A field's own name wins: `min_minutes_per_conv` is a field, `min_min_minutes_per_conv` its bound.
  const [, prefix = "", name = param] = byName.has(param)
    ? [param, "", param]
    : (/^(min_|max_|like_)?(.*)$/.exec(param) ?? []);
  const field = byName.get(name);
  if (!field?.filter_by)
    throw syntaxError(param, "is not a field this list can be filtered by (see meta)");
  if (prefix === "like_") return { field: name, type: field.type, op: "like", values: [raw] };
  if (prefix === "min_" || prefix === "max_")
    return {
      field: name,
      type: field.type,
      op: prefix === "min_" ? "min" : "max",
      values: [comparable(field.type, raw, param)],
    };
  const values = raw.split(",").map((v) => comparable(field.type, v.trim(), param));
  if (values.length > MAX_FILTER_VALUES)
    throw syntaxError(param, `at most ${MAX_FILTER_VALUES} values`);
  return { field: name, type: field.type, op: "in", values };
}

/** Values one `field=v1,v2,…` filter may list. */
const MAX_FILTER_VALUES = 1000;

/**
 * Reads the AppNexus list conventions: `field=v1,v2`, `min_`/`max_`/`like_` filters on the
 * fields meta marks filterable, `sort=field.asc|desc` on sortable ones, `start_element` /
 * `num_elements` (at most `maxPage`) paging and `fields=a,b`. `consumed` names the parameters
 * the service itself has handled; any other is a filter and must be a real one.
 */
export function parseListQuery(
  query: Readonly<Record<string, string>>,
  meta: readonly FieldMeta[],
  consumed: ReadonlySet<string>,
  maxPage = MAX_PAGE,
): ListQuery {
  const byName = new Map(meta.map((f) => [f.name, f]));
  const filters = Object.entries(query)
    .filter(([param]) => !PAGING.has(param) && !consumed.has(param))
    .map(([param, raw]) => filterOf(param, raw, byName));
  let sort: ListQuery["sort"] = null;
  if (query.sort) {
    const [name = "", direction = "asc"] = query.sort.split(".");
    const field = byName.get(name);
    if (!field?.sort_by)
      throw syntaxError("sort", `"${name}" is not a field this list can be sorted by`);
    if (direction !== "asc" && direction !== "desc")
      throw syntaxError("sort", "use field.asc or field.desc");
    sort = { field: name, type: field.type, descending: direction === "desc" };
  }
  const start = nonNegativeInt("start_element", query.start_element, 0);
  const size = nonNegativeInt("num_elements", query.num_elements, maxPage);
  if (size > maxPage) throw syntaxError("num_elements", `must be at most ${maxPage}`);
  let fields: string[] | null = null;
  if (query.fields) {
    fields = query.fields.split(",").map((f) => f.trim());
    for (const f of fields)
      if (!byName.has(f)) throw syntaxError("fields", `"${f}" is not a field`);
  }
  return { filters, sort, start, size, fields };
}

/** Whether an object passes a filter, as the database's list queries decide it. */
function predicate(filter: ListFilter): Predicate {
  const { field: name, op, values } = filter;
  if (op === "like") {
    const needle = String(values[0]).toLowerCase();
    return (o) =>
      String(o[name] ?? "")
        .toLowerCase()
        .includes(needle);
  }
  if (op === "min" || op === "max") {
    const bound = values[0] as number | string;
    return (o) => {
      const v = o[name];
      if (v === null || v === undefined) return false;
      return op === "min" ? (v as number | string) >= bound : (v as number | string) <= bound;
    };
  }
  const wanted = new Set(values.map(String));
  return (o) => wanted.has(String(o[name]));
}

/** Only the fields a list asked for (`fields=`), null for those an object lacks. */
export function projected<T extends object>(objects: readonly T[], fields: string[] | null) {
  if (!fields) return [...objects] as Array<Partial<T>>;
  return objects.map(
    (o) =>
      Object.fromEntries(
        fields.map((f) => [f, (o as Record<string, unknown>)[f] ?? null]),
      ) as Partial<T>,
  );
}

/** The AppNexus list conventions applied in memory, to lists that are not tables. */
export function listPage<T extends object>(
  objects: readonly T[],
  query: Readonly<Record<string, string>>,
  meta: readonly FieldMeta[],
  consumed: ReadonlySet<string>,
  /** The largest page: MAX_PAGE (100) for JSON lists; an export may take all its rows. */
  maxPage = MAX_PAGE,
): ListPage<T> {
  const list = parseListQuery(query, meta, consumed, maxPage);
  const predicates = list.filters.map(predicate);
  let rows = objects.filter((o) => predicates.every((p) => p(o as Record<string, unknown>)));
  if (list.sort) {
    const { field: name, descending } = list.sort;
    const sign = descending ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x = (a as Record<string, unknown>)[name] as number | string | null;
      const y = (b as Record<string, unknown>)[name] as number | string | null;
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * sign;
    });
  }
  const page = rows.slice(list.start, list.start + list.size);
  return {
    items: projected(page, list.fields),
    count: rows.length,
    startElement: list.start,
    numElements: list.size,
  };
}
