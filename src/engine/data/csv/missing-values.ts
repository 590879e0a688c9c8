/**
 * The analyst's missing-value policy applied to the columns a run uses: drop the rows, carry the last
 * value forward, or interpolate linearly. Leading gaps take the first value, trailing gaps the last.
 */
import type { MissingPolicy } from '../../../contract/run-config.js';

export interface CleanedColumns {
  /** Columns without NaN, all of the same length. */
  features: Float64Array[];
  /** Rows kept, by index in the input (null when no row was dropped). */
  keptRows: Int32Array | null;
  /** Rows the policy dropped or filled: rows with a missing value in any column. */
  affectedRows: number;
}

/** Apply a missing-value policy; every column must have at least one value. */
export function applyMissingPolicy(columns: Float64Array[], policy: MissingPolicy): CleanedColumns {
  const rows = columns[0]?.length ?? 0;
  const complete = new Uint8Array(rows).fill(1);
  for (const column of columns) for (let row = 0; row < rows; row++) if (Number.isNaN(column[row])) complete[row] = 0;
  const affectedRows = rows - complete.reduce((sum, flag) => sum + flag, 0);
  if (affectedRows === 0) return { features: columns, keptRows: null, affectedRows };
  if (policy === 'drop') {
    const keptRows = Int32Array.from(complete.keys()).filter((row) => complete[row] === 1);
    return { features: columns.map((column) => Float64Array.from(keptRows, (row) => column[row])), keptRows, affectedRows };
  }
  return { features: columns.map((column) => fillGaps(column, policy)), keptRows: null, affectedRows };
}

/** A copy of the column with its NaN gaps filled forward or by linear interpolation. */
export function fillGaps(column: Float64Array, policy: 'ffill' | 'interpolate'): Float64Array {
  const filled = Float64Array.from(column);
  let previous = -1;
  for (let row = 0; row < filled.length; row++) {
    if (Number.isNaN(filled[row])) continue;
    const gapStart = previous + 1;
    const from = previous < 0 ? filled[row] : filled[previous];
    for (let gap = gapStart; gap < row; gap++) {
      const interpolated = from + ((filled[row] - from) * (gap - previous)) / (row - previous);
      filled[gap] = previous >= 0 && policy === 'interpolate' ? interpolated : from;
    }
    previous = row;
  }
  filled.fill(filled[previous], previous + 1);
  return filled;
}
