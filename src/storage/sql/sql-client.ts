/**
 * The little the event store needs of a PostgreSQL connection, so that the same SQL runs on a
 * PostgreSQL server (`pg`) and on the embedded default (PGlite). Every statement the store
 * sends is one statement: no transaction spans two calls.
 */
export interface SqlClient {
  /** One statement with `$n` parameters; its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Statements separated by `;`, without parameters, run as one implicit transaction. */
  script(text: string): Promise<Array<Record<string, unknown>>>;
  /** Runs `work` with a connection of its own (session state such as advisory locks). */
  session<T>(work: (client: Pick<SqlClient, "query" | "script">) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction on a connection of its own: committed when it resolves,
   * rolled back when it throws (savepoints inside are the work's own).
   */
  transaction<T>(work: (tx: Pick<SqlClient, "query">) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Where it connects, for logs: host and port or folder, never credentials. */
  readonly endpoint: string;
}
