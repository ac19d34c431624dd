import { z } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import type { FieldType } from "../../storage/object-store.js";
import type {
  ChildTable,
  ColumnKind,
  ObjectTable,
} from "../../storage/sql/objects/object-table.js";
import { textField } from "../field-schemas.js";
import type { FieldMeta } from "../list/list-query.js";

/** One field of an API object: how meta shows it, how it is stored, whether a client writes it. */
export interface FieldSpec {
  type: FieldType;
  /** Sortable and filterable in lists (scalars by default; arrays and objects never). */
  sort?: boolean;
  filter?: boolean;
  /** Stored as a column of this kind. */
  column?: ColumnKind;
  /** Computed when read, by SQL over the row `t`. */
  derived?: string;
  /** Stored as the rows of a child table. */
  child?: ChildTable;
  /** What a client may write; a field without it is read-only (ignored with a warning). */
  input?: ZodType;
  /** Never shown: in no answer, not in meta (a password hash). */
  hidden?: boolean;
}

/** Where an object's rows live and how codes and members are kept (see ObjectTable). */
type TableSpec = Omit<ObjectTable, "columns" | "derived" | "children">;

/**
 * An API object declared once: every field of its document `T` with its meta entry, its
 * storage and its input schema; the table mapping, `/meta`, the write schema and the read-only
 * list are derived from it, so they cannot disagree. `T`'s fields must all be declared.
 *
 * @example defineObject<LineItemDocument>()({ term: "line-item", plural: "line-items", … })
 */
export function defineObject<T extends object>() {
  return <const F extends { [K in keyof Required<T>]: FieldSpec }>(spec: {
    /** The request and response key of one object (`line-item`), and of several. */
    term: string;
    plural: string;
    table: TableSpec & { table: string };
    fields: F;
  }) => {
    const entries = Object.entries(spec.fields) as Array<[string, FieldSpec]>;
    const columns: Record<string, ColumnKind> = {};
    const derived: Record<string, string> = {};
    const children: Record<string, ChildTable> = {};
    const shape: Record<string, ZodType> = {};
    const meta: FieldMeta[] = [];
    const readOnly: string[] = [];
    for (const [name, field] of entries) {
      if (field.column) columns[name] = field.column;
      if (field.derived) derived[name] = field.derived;
      if (field.child) children[name] = field.child;
      if (field.input) shape[name] = field.input;
      else if (!field.hidden) readOnly.push(name);
      if (field.hidden) continue;
      const scalar = field.type !== "array" && field.type !== "object";
      meta.push({
        name,
        type: field.type,
        sort_by: field.sort ?? scalar,
        filter_by: field.filter ?? scalar,
      });
    }
    const table: ObjectTable = { ...spec.table, columns, derived, children };
    return {
      /** The document type, for ObjectOf (never set). */
      __document: undefined as T | undefined,
      term: spec.term,
      plural: spec.plural,
      fields: spec.fields,
      table,
      /** What `/<service>/meta` answers, and exactly what lists honour. */
      meta,
      /** The fields a client may write, checked strictly (unknown ones are warned about first). */
      input: z.object(shape).strict() as z.ZodObject<{
        [K in keyof F as F[K]["input"] extends ZodType ? K : never]: F[K]["input"] extends ZodType
          ? F[K]["input"]
          : never;
      }>,
      /** Fields a client may send back but not change: ignored with a warning. */
      readOnly,
    };
  };
}

/** The common fields, declared alike for every object. */
export const commonFields = {
  id: { type: "int", column: "int" },
  name: { type: "string", column: "text", input: textField(255) },
  code: { type: "string", column: "text", input: textField(100).nullable() },
  state: { type: "enum", column: "text", input: z.enum(["active", "inactive"]) },
  created_on: { type: "timestamp", column: "timestamp" },
  last_modified: { type: "timestamp", column: "timestamp" },
} as const satisfies Record<string, FieldSpec>;
