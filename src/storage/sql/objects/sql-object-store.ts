import {
  type ListQuery,
  ObjectConflict,
  type ObjectPage,
  type ObjectScope,
  type ObjectStore,
  type StoredObject,
} from "../../object-store.js";
import type { SqlClient } from "../sql-client.js";
import {
  orderAndPageSql,
  Params,
  selectList,
  whereSql,
  writePlaceholder,
  writeValue,
} from "./object-sql.js";
import type { ChildTable, ObjectTable } from "./object-table.js";

type Row = Record<string, unknown>;

/** What `all` returns at most unless told: more than any member's pixels. */
const ALL_LIMIT = 100_000;
type Query = Pick<SqlClient, "query">;

/**
 * One type of API object in its PostgreSQL table (SPEC 15), as its ObjectTable declares it:
 * ids from the table's identity column, arrays as ordered child rows, every write one
 * transaction. The database keeps the rules (codes unique per parent, references within the
 * member, nothing deleted that is in use); what it refuses comes back as an ObjectConflict.
 */
export class SqlObjectStore<T extends StoredObject> implements ObjectStore<T> {
  private readonly select: string;

  constructor(
    protected readonly sql: SqlClient,
    protected readonly table: ObjectTable,
  ) {
    this.select = selectList(table);
  }

  async get(id: number): Promise<T | null> {
    const [found] = await this.getMany([id]);
    return found ?? null;
  }

  async getMany(ids: readonly number[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.query(
      `SELECT ${this.select} FROM ${this.table.table} t WHERE t.id = ANY($1::int4[])`,
      [[...new Set(ids)]],
    );
    const byId = new Map(rows.map((row) => [Number(row.id), this.document(row)]));
    return ids.flatMap((id) => {
      const found = byId.get(id);
      return found ? [found] : [];
    });
  }

  async byCode(parentId: number, code: string): Promise<T | null> {
    const { codeParent, codeColumn = "code", codeIgnoresCase } = this.table;
    const column = codeIgnoresCase ? `lower(t.${codeColumn})` : `t.${codeColumn}`;
    const parent = codeParent ? `t.${codeParent} = $2 AND ` : "$2::int IS NOT NULL AND ";
    const rows = await this.sql.query(
      `SELECT ${this.select} FROM ${this.table.table} t
        WHERE ${parent}${column} = ${codeIgnoresCase ? "lower($1)" : "$1"}`,
      [code, parentId],
    );
    return rows[0] ? this.document(rows[0]) : null;
  }

  async page(scope: ObjectScope, query: ListQuery): Promise<ObjectPage<T>> {
    const params = new Params();
    const where = whereSql(this.table, scope, query.filters, params);
    const counted = [...params.values];
    const order = orderAndPageSql(this.table, query, params);
    const [rows, total] = await Promise.all([
      this.sql.query(
        `SELECT ${this.select} FROM ${this.table.table} t ${where} ${order}`,
        params.values,
      ),
      this.sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${this.table.table} t ${where}`,
        counted,
      ),
    ]);
    return { items: rows.map((row) => this.document(row)), count: Number(total[0]?.n ?? 0) };
  }

  async all(scope: ObjectScope, limit = ALL_LIMIT): Promise<T[]> {
    const params = new Params();
    const where = whereSql(this.table, scope, [], params);
    const rows = await this.sql.query(
      `SELECT ${this.select} FROM ${this.table.table} t ${where} ORDER BY t.id LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => this.document(row));
  }

  async create(object: Omit<T, "id">): Promise<T> {
    return this.write(async (tx) => {
      const fields = Object.keys(this.table.columns).filter((f) => f !== "id");
      const params = new Params();
      const values = fields.map((f) =>
        writePlaceholder(this.table.columns[f] ?? "text", params.add(this.columnValue(f, object))),
      );
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO ${this.table.table} (${fields.join(", ")}) VALUES (${values.join(", ")}) RETURNING id`,
        params.values,
      );
      const id = Number(row?.id);
      await this.writeChildren(tx, { ...object, id } as T, true);
      return this.readBack(tx, id);
    });
  }

  /**
   * Stores an object under the id it carries, new or not (seeds, benchmarks, tests that need
   * known ids), and moves the id sequence past it so that no later object is given that id.
   */
  async put(object: T): Promise<T> {
    const exists = await this.sql.query(`SELECT 1 FROM ${this.table.table} WHERE id = $1`, [
      object.id,
    ]);
    if (exists.length > 0) return this.update(object);
    return this.write(async (tx) => {
      const fields = Object.keys(this.table.columns);
      const params = new Params();
      const values = fields.map((f) =>
        writePlaceholder(this.table.columns[f] ?? "text", params.add(this.columnValue(f, object))),
      );
      await tx.query(
        `INSERT INTO ${this.table.table} (${fields.join(", ")}) VALUES (${values.join(", ")})`,
        params.values,
      );
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('${this.table.table}', 'id'),
           greatest((SELECT max(id) FROM ${this.table.table}), 1))`,
      );
      await this.writeChildren(tx, object, true);
      return this.readBack(tx, object.id);
    });
  }

  async update(object: T): Promise<T> {
    return this.write(async (tx) => {
      const fixed = new Set(["id", "created_on", this.table.memberColumn]);
      const fields = Object.keys(this.table.columns).filter((f) => !fixed.has(f));
      const params = new Params();
      const sets = fields.map(
        (f) =>
          `${f} = ${writePlaceholder(this.table.columns[f] ?? "text", params.add(this.columnValue(f, object)))}`,
      );
      await tx.query(
        `UPDATE ${this.table.table} SET ${sets.join(", ")}
          WHERE ${this.table.memberColumn} IS NOT DISTINCT FROM ${params.add(this.memberOf(object))}
            AND id = ${params.add(object.id)}`,
        params.values,
      );
      await this.writeChildren(tx, object, false);
      return this.readBack(tx, object.id);
    });
  }

  async delete(object: T): Promise<void> {
    await this.write((tx) =>
      tx.query(
        `DELETE FROM ${this.table.table}
          WHERE ${this.table.memberColumn} IS NOT DISTINCT FROM $1 AND id = $2`,
        [this.memberOf(object), object.id],
      ),
    );
  }

  /** Runs a write in a transaction, the database's refusals turned into ObjectConflicts. */
  protected async write<R>(work: (tx: Query) => Promise<R>): Promise<R> {
    try {
      return await this.sql.transaction(work);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  private async readBack(tx: Query, id: number): Promise<T> {
    const [row] = await tx.query(
      `SELECT ${this.select} FROM ${this.table.table} t WHERE t.id = $1`,
      [id],
    );
    if (!row) throw new Error(`${this.table.table} ${id} vanished inside its own transaction`);
    return this.document(row);
  }

  /** Rewrites a parent's child rows: those gone deleted, the others inserted or updated. */
  private async writeChildren(tx: Query, object: T, created: boolean): Promise<void> {
    for (const [field, child] of Object.entries(this.table.children ?? {})) {
      const elements = ((object as Record<string, unknown>)[field] as Row[] | null) ?? [];
      const keyColumn = child.fields[child.key]?.column ?? child.key;
      if (!created)
        await tx.query(
          `DELETE FROM ${child.table} WHERE member_id = $1 AND ${child.parentKey} = $2
            AND NOT (${keyColumn} = ANY($3::int4[]))`,
          [this.memberOf(object), object.id, elements.map((e) => e[child.key])],
        );
      for (const [position, element] of elements.entries())
        await this.upsertChild(tx, child, object, element, position);
    }
  }

  private async upsertChild(
    tx: Query,
    child: ChildTable,
    parent: T,
    element: Row,
    position: number,
  ): Promise<void> {
    const params = new Params();
    const columns: string[] = [];
    const values: string[] = [];
    const put = (column: string, placeholder: string) => {
      columns.push(column);
      values.push(placeholder);
    };
    for (const name of child.inherited)
      put(name, params.add((parent as Record<string, unknown>)[name]));
    put(child.parentKey, params.add(parent.id));
    put("position", params.add(position));
    for (const [name, f] of Object.entries(child.fields))
      put(f.column, writePlaceholder(f.kind, params.add(writeValue(f.kind, element[name]))));
    const keyColumn = child.fields[child.key]?.column ?? child.key;
    const updates = columns
      .filter((c) => c !== "member_id" && c !== child.parentKey && c !== keyColumn)
      .map((c) => `${c} = excluded.${c}`);
    await tx.query(
      `INSERT INTO ${child.table} (${columns.join(", ")}) VALUES (${values.join(", ")})
        ON CONFLICT (member_id, ${child.parentKey}, ${keyColumn}) DO UPDATE SET ${updates.join(", ")}`,
      params.values,
    );
  }

  private memberOf(object: Omit<T, "id">): number | null {
    const member = (object as Record<string, unknown>).member_id as number;
    return this.table.zeroIsNull?.includes("member_id") && member === 0 ? null : member;
  }

  private columnValue(field: string, object: Omit<T, "id">): unknown {
    const value = (object as Record<string, unknown>)[field];
    if (this.table.zeroIsNull?.includes(field) && value === 0) return null;
    return writeValue(this.table.columns[field] ?? "text", value);
  }

  /** A row as the API's document: NULLs shown as 0 or left out as the table says. */
  protected document(row: Row): T {
    const doc: Row = { ...row, id: Number(row.id) };
    for (const field of this.table.zeroIsNull ?? []) if (doc[field] === null) doc[field] = 0;
    for (const field of this.table.omittedWhenNull ?? [])
      if (doc[field] === null) delete doc[field];
    return doc as T;
  }
}

/** What a refusal of the database means for the object written, or null when it is no refusal. */
export function conflictOf(error: unknown): ObjectConflict | null {
  const { code, constraint, message } = error as {
    code?: string;
    constraint?: string;
    message?: string;
  };
  const name = constraint ?? "";
  if (code === "23505") return new ObjectConflict("code", name);
  if (code === "23503")
    return new ObjectConflict(
      String(message).startsWith("update or delete") ? "in_use" : "reference",
      name,
    );
  return null;
}
