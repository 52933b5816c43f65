/**
 * RFC 4180 CSV of a report's rows: a header row of the column names, CRLF after every record, a field quoted when it
 * holds a comma, a quote, CR or LF (quotes doubled inside), null as an empty field; UTF-8 with a byte-order mark so
 * spreadsheet applications read it as UTF-8.
 */
export const CSV_TYPE = 'text/csv; charset=utf-8';
const BOM = '\uFEFF';

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of `rows` under `columns` (the header row), with the BOM and CRLF line ends. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return BOM + lines.map((l) => `${l}\r\n`).join('');
}
