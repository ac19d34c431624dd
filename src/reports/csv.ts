/**
 * CSV (RFC 4180) and tab-separated text for spreadsheets. Text that a spreadsheet would run as
 * a formula (`=`, `+`, `-`, `@` first) gets a leading `'`: pixel names are typed by users.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<object>) {
  return toDelimited(
    columns,
    rows.map((row) => columns.map((c) => (row as Record<string, unknown>)[c])),
  );
}

export interface DelimitedOptions {
  /** `,` (CSV, the default) or a tab (Xandr's `excel` format). */
  separator?: "," | "\t";
  /** Quote every field (Xandr's `escape_fields`), not only those that need it. */
  quoteAll?: boolean;
}

/** A header row and rows of cells, CRLF-terminated. */
export function toDelimited(
  header: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  options: DelimitedOptions = {},
): string {
  const separator = options.separator ?? ",";
  const needsQuotes = separator === "," ? /[",\r\n]/ : /["\t\r\n]/;
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return options.quoteAll ? '""' : "";
    let text = String(value);
    if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return options.quoteAll || needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [header.map(cell).join(separator)];
  for (const row of rows) lines.push(row.map(cell).join(separator));
  return `${lines.join("\r\n")}\r\n`;
}
