/**
 * Writing small CSV files with papaparse's `unparse` (RFC 4180 quoting): '\n' line ends and a final one,
 * numbers in full precision, empty cells for null and for numbers that are not finite.
 */
import Papa from 'papaparse';
import type { RunResult } from '../../contract/run-result.js';

export type Cell = string | number | null | undefined;

const cell = (value: Cell): string | number | null => (typeof value === 'number' && !Number.isFinite(value) ? null : (value ?? null));

export function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const data = Array.from(rows, (row) => row.map(cell));
  // unparse ends a header without rows with a line end already; every file ends with exactly one.
  return `${Papa.unparse({ fields: [...header], data }, { newline: '\n' }).replace(/\n$/, '')}\n`;
}

/** Column label of a nominal level: 0.8 → "80", 0.975 → "97.5". */
function percent(level: number): string {
  return String(+(level * 100).toFixed(6));
}

/** lower_80, upper_80, ... for each level of a set of bands. */
export function bandHeader(bands: readonly { level: number }[]): string[] {
  return bands.flatMap((b) => [`lower_${percent(b.level)}`, `upper_${percent(b.level)}`]);
}

/** value ± half-width of each band at a 0-based step (empty where a band is unbounded or missing). */
export function bandCells(bands: readonly { halfWidth: readonly (number | null)[] }[], value: number, step: number): Cell[] {
  return bands.flatMap((b) => {
    const q = b.halfWidth[step];
    return q === null || q === undefined ? [null, null] : [value - q, value + q];
  });
}

/** predictions.csv: every window's prediction, and the prediction interval bounds on the test rows. */
export function predictionsCsv(result: Pick<RunResult, 'predictions' | 'intervals'>): string {
  const bands = result.intervals?.test ?? [];
  return toCsv(
    ['index', 'time', 'split', 'step', 'actual', 'predicted', ...bandHeader(bands)],
    result.predictions.map((r) => [
      r.index,
      r.time,
      r.split,
      r.step,
      r.actual,
      r.predicted,
      ...(r.split === 'test' ? bandCells(bands, r.predicted, r.step - 1) : bands.flatMap(() => [null, null])),
    ]),
  );
}

/** forecast.csv: the forecast beyond the data, with its prediction interval bounds. */
export function forecastCsv(result: Pick<RunResult, 'forecast' | 'intervals'>): string {
  const bands = result.intervals?.forecast ?? [];
  return toCsv(['step', 'time', 'value', ...bandHeader(bands)], result.forecast.map((f) => [f.step, f.time, f.value, ...bandCells(bands, f.value, f.step - 1)]));
}
