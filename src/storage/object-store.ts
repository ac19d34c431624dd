/**
 * The management API's objects behind one small port (SPEC 15): PostgreSQL implements it
 * (src/storage/sql/objects/), and lists are paged, filtered and sorted by the database.
 */

/** How `/<service>/meta` types a field; lists compare and sort by it. */
export type FieldType =
  | "int"
  | "double"
  | "string"
  | "enum"
  | "boolean"
  | "timestamp"
  | "array"
  | "object";

/** One filter of a list: `field=v1,v2` (in), `min_`, `max_` or `like_` (substring, any case). */
export interface ListFilter {
  field: string;
  type: FieldType;
  op: "in" | "min" | "max" | "like";
  values: Array<number | string>;
}

/** A list request as the AppNexus conventions read it (src/api/list/list-query.ts). */
export interface ListQuery {
  filters: ListFilter[];
  sort: { field: string; type: FieldType; descending: boolean } | null;
  start: number;
  size: number;
  /** `fields=a,b`: only those returned; null: every field. */
  fields: string[] | null;
}

/** Which objects a list is drawn from: a member's (null: every member's), narrowed. */
export interface ObjectScope {
  member: number | null;
  advertiser?: number;
  ids?: readonly number[];
  code?: string;
}

export interface ObjectPage<T> {
  items: T[];
  /** How many match, over every page. */
  count: number;
}

/** The fields every stored object has. */
export interface StoredObject {
  id: number;
  member_id: number;
  code?: string | null;
}

/**
 * A write the database refused for what it would break: `code` a code already used under the
 * same parent, `in_use` an object others still refer to, `reference` a reference to an object
 * that is not there (or not the parent's). `constraint` names the rule.
 */
export class ObjectConflict extends Error {
  constructor(
    readonly kind: "code" | "in_use" | "reference",
    readonly constraint: string,
  ) {
    super(`${kind}: ${constraint}`);
  }
}

/** One type of API object. Each write is one transaction. */
export interface ObjectStore<T extends StoredObject> {
  get(id: number): Promise<T | null>;
  /** The objects with these ids that exist, in the order asked. */
  getMany(ids: readonly number[]): Promise<T[]>;
  /** The object with this code under its parent (a member, or an advertiser). */
  byCode(parentId: number, code: string): Promise<T | null>;
  page(scope: ObjectScope, query: ListQuery): Promise<ObjectPage<T>>;
  /**
   * Every object in scope, by id: for what a request needs whole (the pixels a report covers),
   * never for a list a client pages. At most `limit`.
   */
  all(scope: ObjectScope, limit?: number): Promise<T[]>;
  /** Stores a new object; its id comes from the database. Throws ObjectConflict. */
  create(object: Omit<T, "id">): Promise<T>;
  /** Stores an object's new state. Throws ObjectConflict. */
  update(object: T): Promise<T>;
  /** Throws ObjectConflict (`in_use`) when something still refers to it. */
  delete(object: T): Promise<void>;
}
