import type { ListFilter, ListQuery, ObjectScope } from "../../object-store.js";
import type { ColumnKind, ObjectTable } from "./object-table.js";

// The SQL of an object table, built from its ObjectTable: what a read selects, how a list's
// filters, sort and page become WHERE, ORDER BY and LIMIT. Field names reach the SQL only
// after they were found in the table's own declaration; values always travel as parameters.

/** A column as the document shows it: UTC times as "YYYY-MM-DD HH:MM:SS", decimals as numbers. */
function readExpression(column: string, kind: ColumnKind): string {
  if (kind === "timestamp") return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;
  if (kind === "numeric") return `${column}::float8`;
  return column;
}

/** The select list of a table's documents, children as JSON arrays in their order. */
export function selectList(table: ObjectTable): string {
  const parts = Object.entries(table.columns).map(
    ([field, kind]) => `${readExpression(`t.${field}`, kind)} AS ${field}`,
  );
  if (table.memberColumn === "id") parts.push("t.id AS member_id");
  for (const [field, sql] of Object.entries(table.derived ?? {}))
    parts.push(`(${sql}) AS ${field}`);
  for (const [field, child] of Object.entries(table.children ?? {})) {
    const pairs = Object.entries(child.fields)
      .map(([name, f]) => `'${name}', ${readExpression(`c.${f.column}`, f.kind)}`)
      .join(", ");
    parts.push(
      `coalesce((SELECT json_agg(json_build_object(${pairs}) ORDER BY c.position) FROM ${child.table} c
        WHERE c.member_id = t.${table.memberColumn} AND c.${child.parentKey} = t.id), '[]'::json) AS ${field}`,
    );
  }
  return parts.join(", ");
}

/** Collects parameters and answers their `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The expression a list compares and sorts a field by, or null when it is no column. */
function fieldExpression(
  table: ObjectTable,
  field: string,
): { sql: string; kind: ColumnKind } | null {
  if (field === "member_id" && table.memberColumn === "id") return { sql: "t.id", kind: "int" };
  const kind = table.columns[field];
  if (kind) return { sql: `t.${field}`, kind };
  const derived = table.derived?.[field];
  return derived ? { sql: `(${derived})`, kind: "text" } : null;
}

/** Text compares byte by byte ("C"), as JavaScript strings do, whatever the database's locale. */
function comparable({ sql, kind }: { sql: string; kind: ColumnKind }): string {
  if (kind === "timestamp") return readExpression(sql, kind);
  if (kind === "text") return `${sql} COLLATE "C"`;
  if (kind === "boolean") return `${sql}::text`;
  return sql;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

function filterSql(table: ObjectTable, filter: ListFilter, params: Params): string {
  const found = fieldExpression(table, filter.field);
  if (!found) throw new RangeError(`${filter.field}: not a column of ${table.table}`);
  const numeric = found.kind === "int" || found.kind === "numeric";
  const column = comparable(found);
  if (filter.op === "like")
    return `${readExpression(found.sql, found.kind)}::text ILIKE ${params.add(`%${escapeLike(String(filter.values[0]))}%`)}`;
  if (filter.op === "min" || filter.op === "max") {
    const bound = params.add(numeric ? filter.values[0] : String(filter.values[0]));
    const cast = numeric ? "::numeric" : "";
    return `${column} ${filter.op === "min" ? ">=" : "<="} ${bound}${cast}`;
  }
  if (numeric) return `${found.sql} = ANY(${params.add(filter.values)}::numeric[])`;
  return `${column} = ANY(${params.add(filter.values.map(String))}::text[])`;
}

/** WHERE for a scope and a list's filters. */
export function whereSql(
  table: ObjectTable,
  scope: ObjectScope,
  filters: readonly ListFilter[],
  params: Params,
): string {
  const terms: string[] = [];
  if (scope.member === 0 && table.zeroIsNull?.includes(table.memberColumn))
    terms.push(`t.${table.memberColumn} IS NULL`);
  else if (scope.member !== null)
    terms.push(`t.${table.memberColumn} = ${params.add(scope.member)}`);
  if (scope.advertiser !== undefined)
    terms.push(`t.advertiser_id = ${params.add(scope.advertiser)}`);
  if (scope.ids) terms.push(`t.id = ANY(${params.add(scope.ids)}::int4[])`);
  if (scope.code !== undefined)
    terms.push(`t.${table.codeColumn ?? "code"} = ${params.add(scope.code)}`);
  for (const filter of filters) terms.push(filterSql(table, filter, params));
  return terms.length ? `WHERE ${terms.join(" AND ")}` : "";
}

/** ORDER BY a list's sort (nulls last either way), then id; LIMIT and OFFSET of its page. */
export function orderAndPageSql(table: ObjectTable, query: ListQuery, params: Params): string {
  const order: string[] = [];
  if (query.sort) {
    const found = fieldExpression(table, query.sort.field);
    if (!found) throw new RangeError(`${query.sort.field}: not a column of ${table.table}`);
    const column = found.kind === "timestamp" ? found.sql : comparable(found);
    order.push(`${column} ${query.sort.descending ? "DESC" : "ASC"} NULLS LAST`);
  }
  order.push("t.id");
  return `ORDER BY ${order.join(", ")} LIMIT ${params.add(query.size)} OFFSET ${params.add(query.start)}`;
}

/** A document value as its column takes it. */
export function writeValue(kind: ColumnKind, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (kind === "json") return JSON.stringify(value);
  return value;
}

/** The placeholder of a written value, cast to its column's kind. */
export function writePlaceholder(kind: ColumnKind, placeholder: string): string {
  if (kind === "timestamp") return `(${placeholder}::timestamp AT TIME ZONE 'UTC')`;
  if (kind === "json") return `${placeholder}::jsonb`;
  if (kind === "text[]") return `${placeholder}::text[]`;
  return placeholder;
}
