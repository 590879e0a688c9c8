/** The few float64 vector and matrix operations the hand computation needs (no tfjs). */

export type Vector = number[];
/** Row-major matrix: matrix[row][column]. */
export type Matrix = number[][];

/** Row vector times matrix: (v·M)_j = Σ_i v_i · M[i][j]. */
export function vectorTimesMatrix(v: readonly number[], m: Matrix): Vector {
  const columns = m[0]?.length ?? 0;
  const out = new Array<number>(columns).fill(0);
  for (let i = 0; i < v.length; i++) {
    const row = m[i];
    for (let j = 0; j < columns; j++) out[j] += v[i] * row[j];
  }
  return out;
}

export function add(...vectors: readonly (readonly number[])[]): Vector {
  return vectors[0].map((_, j) => vectors.reduce((sum, v) => sum + v[j], 0));
}

/** Element-wise (Hadamard) product. */
export function multiply(a: readonly number[], b: readonly number[]): Vector {
  return a.map((x, j) => x * b[j]);
}

export function apply(v: readonly number[], fn: (x: number) => number): Vector {
  return v.map(fn);
}

/** Columns [from, to) of a matrix. */
export function columns(m: Matrix, from: number, to: number): Matrix {
  return m.map((row) => row.slice(from, to));
}

export function zeros(n: number): Vector {
  return new Array<number>(n).fill(0);
}

/** A flat row-major array as a matrix of `rowCount` rows. */
export function toRows(flat: ArrayLike<number>, rowCount: number): Matrix {
  const width = rowCount === 0 ? 0 : flat.length / rowCount;
  const rows: Matrix = [];
  for (let r = 0; r < rowCount; r++) rows.push(Array.from({ length: width }, (_, c) => flat[r * width + c]));
  return rows;
}
