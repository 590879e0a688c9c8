/**
 * Writing small CSV files with papaparse's `unparse` (RFC 4180 quoting): '\n' line ends and a final one,
 * numbers in full precision, empty cells for null and for numbers that are not finite.
 */
import Papa from 'papaparse';

export type Cell = string | number | null | undefined;

const cell = (value: Cell): string | number | null => (typeof value === 'number' && !Number.isFinite(value) ? null : (value ?? null));

export function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const data = Array.from(rows, (row) => row.map(cell));
  return `${Papa.unparse({ fields: [...header], data }, { newline: '\n' })}\n`;
}
