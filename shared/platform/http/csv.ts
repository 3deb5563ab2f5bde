/**
 * RFC 4180 CSV for spreadsheets: CRLF line ends, every line the same number of fields,
 * fields quoted when they hold a comma, a double quote, CR or LF (quotes doubled), numbers
 * written plainly (no thousands separators, `.` decimals), `null`/`undefined` as an empty
 * field. Text fields that a spreadsheet would run as a formula (starting `=`, `+`, `-`,
 * `@`, tab or CR) are prefixed with `'` (OWASP "CSV injection"); numbers are never touched,
 * so a negative count stays a number.
 */

/** A value of one field. */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted and guarded as needed. */
export const csvField = (value: CsvValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A whole document: the header line, then one line per row; CRLF after every line. */
export const toCsv = (header: readonly string[], rows: readonly (readonly CsvValue[])[]): string => {
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`A CSV row has ${row.length} fields; the header has ${header.length}.`);
  }
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
};

/**
 * Flattens nested objects into `[dotted.path, value]` pairs, in key order (the column order
 * of a CSV made from them). Arrays are not expected and are written as their JSON.
 */
export const flatten = (value: Readonly<Record<string, unknown>>, prefix = ''): [string, CsvValue][] =>
  Object.entries(value).flatMap(([key, inner]): [string, CsvValue][] => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) return flatten(inner as Record<string, unknown>, path);
    if (Array.isArray(inner)) return [[path, JSON.stringify(inner)]];
    return [[path, inner as CsvValue]];
  });
