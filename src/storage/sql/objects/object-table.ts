/**
 * How an API object is stored: its table, the kind of each column, the arrays kept as rows of a
 * child table, the fields computed when read. Plain data, declared once per object with its API
 * fields (src/api/objects/definitions/); SqlObjectStore turns it into SQL.
 */

/** How a column travels: ids and counts, text, exact decimals, flags, UTC times, JSON, lists. */
export type ColumnKind = "int" | "text" | "numeric" | "boolean" | "timestamp" | "json" | "text[]";

export interface ChildTable {
  table: string;
  /** The child's column holding the parent's id (`line_item_id`). */
  parentKey: string;
  /** The element field that identifies an element within its parent (`id`). */
  key: string;
  /** Parent fields copied into each child row: the keys that tie it to the parent's owner. */
  inherited: readonly string[];
  /** Each element's fields: element field → child column and kind. */
  fields: Readonly<Record<string, { column: string; kind: ColumnKind }>>;
}

export interface ObjectTable {
  table: string;
  /** The column that names the member: `member_id`, or `id` for the members themselves. */
  memberColumn: "member_id" | "id";
  /** The column naming the parent under which codes are unique (null: codes are not kept). */
  codeParent: "member_id" | "advertiser_id" | null;
  /** The column holding the code: `code` unless named (users: `username`). */
  codeColumn?: string;
  /** Whether the code column compares without case (usernames). */
  codeIgnoresCase?: boolean;
  /** Document fields stored as columns of the same name (`id` included), by kind. */
  columns: Readonly<Record<string, ColumnKind>>;
  /** Document fields computed when read: SQL over the row `t`. Never written. */
  derived?: Readonly<Record<string, string>>;
  /** Array fields stored as rows of a child table, in order. */
  children?: Readonly<Record<string, ChildTable>>;
  /** Fields stored as NULL and shown as 0 (a system admin's member). */
  zeroIsNull?: readonly string[];
  /** Fields left out of the document when NULL (an optional field). */
  omittedWhenNull?: readonly string[];
}
