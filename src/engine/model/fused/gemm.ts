/**
 * The one matrix product the fused kernel needs, over Float64Array views given as (array, offset, leading
 * dimension): C[i, j] (+)= Σ_k A[i, k] · B[j, k] for i < m, j < n, k < depth, i.e. C = A · Bᵀ with both
 * operands read along their rows. Blocks of 4 rows of A by 2 rows of B keep 8 sums in registers, so each
 * loaded value is used 2 to 4 times; nothing is allocated.
 */
export function gemmABt(
  m: number,
  n: number,
  depth: number,
  a: Float64Array,
  aOffset: number,
  lda: number,
  b: Float64Array,
  bOffset: number,
  ldb: number,
  c: Float64Array,
  cOffset: number,
  ldc: number,
  accumulate: boolean,
): void {
  const m4 = m - (m % 4);
  const n2 = n - (n % 2);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOffset + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOffset + i * ldc;
    for (let j = 0; j < n2; j += 2) {
      const b0 = bOffset + j * ldb;
      const b1 = b0 + ldb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < depth; k++) {
        const x0 = b[b0 + k];
        const x1 = b[b1 + k];
        const y0 = a[a0 + k];
        const y1 = a[a1 + k];
        const y2 = a[a2 + k];
        const y3 = a[a3 + k];
        s00 += y0 * x0;
        s01 += y0 * x1;
        s10 += y1 * x0;
        s11 += y1 * x1;
        s20 += y2 * x0;
        s21 += y2 * x1;
        s30 += y3 * x0;
        s31 += y3 * x1;
      }
      const p = c0 + j;
      if (accumulate) {
        c[p] += s00;
        c[p + 1] += s01;
        c[p + ldc] += s10;
        c[p + ldc + 1] += s11;
        c[p + 2 * ldc] += s20;
        c[p + 2 * ldc + 1] += s21;
        c[p + 3 * ldc] += s30;
        c[p + 3 * ldc + 1] += s31;
      } else {
        c[p] = s00;
        c[p + 1] = s01;
        c[p + ldc] = s10;
        c[p + ldc + 1] = s11;
        c[p + 2 * ldc] = s20;
        c[p + 2 * ldc + 1] = s21;
        c[p + 3 * ldc] = s30;
        c[p + 3 * ldc + 1] = s31;
      }
    }
    for (let j = n2; j < n; j++) {
      const b0 = bOffset + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < depth; k++) {
        const x = b[b0 + k];
        s0 += a[a0 + k] * x;
        s1 += a[a1 + k] * x;
        s2 += a[a2 + k] * x;
        s3 += a[a3 + k] * x;
      }
      const p = c0 + j;
      if (accumulate) {
        c[p] += s0;
        c[p + ldc] += s1;
        c[p + 2 * ldc] += s2;
        c[p + 3 * ldc] += s3;
      } else {
        c[p] = s0;
        c[p + ldc] = s1;
        c[p + 2 * ldc] = s2;
        c[p + 3 * ldc] = s3;
      }
    }
  }
  for (let i = m4; i < m; i++) {
    const a0 = aOffset + i * lda;
    const c0 = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      const b0 = bOffset + j * ldb;
      let s = 0;
      for (let k = 0; k < depth; k++) s += a[a0 + k] * b[b0 + k];
      if (accumulate) c[c0 + j] += s;
      else c[c0 + j] = s;
    }
  }
}

/** out[j, i] = source[i, j] for a rows × cols block (leading dimensions given). */
export function transpose(
  rows: number,
  cols: number,
  source: Float64Array,
  sourceOffset: number,
  lds: number,
  out: Float64Array,
  outOffset: number,
  ldo: number,
): void {
  for (let i = 0; i < rows; i++) {
    const s = sourceOffset + i * lds;
    for (let j = 0; j < cols; j++) out[outOffset + j * ldo + i] = source[s + j];
  }
}
