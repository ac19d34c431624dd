/**
 * CSV (RFC 4180) for spreadsheets. Text that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@` first) gets a leading `'`: pixel names are typed by users.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<object>) {
  const lines = [columns.map(cell).join(",")];
  for (const row of rows)
    lines.push(columns.map((c) => cell((row as Record<string, unknown>)[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
