/**
 * Load the columns a run needs from a CSV file into a clean SeriesData.
 * (Minimal first version: comma-separated with a header. The CSV feature replaces the reading part
 * with full sniffing; the signature stays.)
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { InvalidInputError, type DataSpec } from '../../contract/run-config.js';
import type { SeriesData } from './series.js';

const MISSING = new Set(['', 'na', 'nan', '?', 'null', 'n/a']);

export async function loadSeries(spec: DataSpec): Promise<SeriesData> {
  let bytes: Buffer;
  try {
    bytes = await readFile(spec.path);
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${spec.path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message}`);
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (!header || rows.length === 0) throw new InvalidInputError(`${basename(spec.path)} has no data rows.`);
  const column = spec.column ?? header[Math.min(1, header.length - 1)];
  const names = [column, ...spec.inputColumns];
  const indices = names.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new InvalidInputError(`${basename(spec.path)} has no column "${name}"; its columns are ${header.join(', ')}.`);
    return i;
  });
  const timeIndex = spec.timeColumn ? header.indexOf(spec.timeColumn) : header.length > 1 && header.indexOf(column) !== 0 ? 0 : -1;
  const raw = names.map((_, f) =>
    rows.map((r) => {
      const cell = (r[indices[f]] ?? '').trim();
      if (MISSING.has(cell.toLowerCase())) return NaN;
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new InvalidInputError(`Column "${names[f]}" is not numeric: found "${cell}".`);
      return v;
    }),
  );
  let keep = rows.map((_, i) => i);
  let missingHandled = 0;
  if (spec.missing === 'drop') {
    keep = keep.filter((i) => raw.every((f) => !Number.isNaN(f[i])));
    missingHandled = rows.length - keep.length;
  } else {
    for (const f of raw) {
      for (let i = 0; i < f.length; i++) if (Number.isNaN(f[i])) missingHandled++;
      fillMissing(f, spec.missing);
    }
  }
  return {
    path: spec.path,
    name: basename(spec.path),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    column,
    inputColumns: spec.inputColumns,
    timeColumn: timeIndex >= 0 ? header[timeIndex] : null,
    time: timeIndex >= 0 ? keep.map((i) => rows[i][timeIndex]) : null,
    features: raw.map((f) => Float64Array.from(keep, (i) => f[i])),
    missingHandled,
    rowsInFile: rows.length,
  };
}

function fillMissing(values: number[], policy: 'ffill' | 'interpolate'): void {
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      if (policy === 'interpolate' && last >= 0 && i - last > 1) {
        for (let j = last + 1; j < i; j++) values[j] = values[last] + ((values[i] - values[last]) * (j - last)) / (i - last);
      } else if (last < 0) {
        for (let j = 0; j < i; j++) values[j] = values[i];
      }
      last = i;
    } else if (policy === 'ffill' && last >= 0) {
      values[i] = values[last];
    }
  }
  if (last < 0) throw new InvalidInputError('The column has no values at all.');
  for (let j = last + 1; j < values.length; j++) values[j] = values[last];
}
