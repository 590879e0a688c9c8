// AssemblyScript source of the fused kernel's matrix product (WebAssembly SIMD, f32x4), compiled by
// `npm run build:kernel` into src/engine/model/fused/gemm-wasm.ts. Same contract as gemmABt in
// src/engine/model/fused/gemm.ts: C[i, j] (+)= Σ_k A[i, k] · B[j, k], i < m, j < n, k < depth, with
// A, B and C given as byte addresses in the imported memory and leading dimensions in elements.
// Blocks of 4 rows of A by 2 rows of B keep 8 four-lane sums in registers.

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline function put(p: usize, value: f32, accumulate: i32): void {
  store<f32>(p, accumulate ? load<f32>(p) + value : value);
}

/** Σ_k x[k]·y[k] over `depth` floats. */
@inline function dot(x: usize, y: usize, depth: i32): f32 {
  const k4 = depth & ~3;
  let s = f32x4.splat(0);
  for (let k = 0; k < k4; k += 4) {
    const o = <usize>k << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  let r = hsum(s);
  for (let k = k4; k < depth; k++) r += load<f32>(x + (<usize>k << 2)) * load<f32>(y + (<usize>k << 2));
  return r;
}

export function gemm(m: i32, n: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: i32): void {
  const k4 = depth & ~3;
  const m4 = m & ~3;
  const n2 = n & ~1;
  const rowA = <usize>lda << 2;
  const rowB = <usize>ldb << 2;
  const rowC = <usize>ldc << 2;
  for (let i = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    const c0 = c + <usize>i * rowC;
    for (let j = 0; j < n2; j += 2) {
      const b0 = b + <usize>j * rowB;
      const b1 = b0 + rowB;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let k = 0; k < k4; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(b0 + o);
        const x1 = v128.load(b1 + o);
        const y0 = v128.load(a0 + o);
        const y1 = v128.load(a1 + o);
        const y2 = v128.load(a2 + o);
        const y3 = v128.load(a3 + o);
        s00 = f32x4.add(s00, f32x4.mul(y0, x0));
        s01 = f32x4.add(s01, f32x4.mul(y0, x1));
        s10 = f32x4.add(s10, f32x4.mul(y1, x0));
        s11 = f32x4.add(s11, f32x4.mul(y1, x1));
        s20 = f32x4.add(s20, f32x4.mul(y2, x0));
        s21 = f32x4.add(s21, f32x4.mul(y2, x1));
        s30 = f32x4.add(s30, f32x4.mul(y3, x0));
        s31 = f32x4.add(s31, f32x4.mul(y3, x1));
      }
      let r00 = hsum(s00), r01 = hsum(s01), r10 = hsum(s10), r11 = hsum(s11);
      let r20 = hsum(s20), r21 = hsum(s21), r30 = hsum(s30), r31 = hsum(s31);
      for (let k = k4; k < depth; k++) {
        const o = <usize>k << 2;
        const x0 = load<f32>(b0 + o);
        const x1 = load<f32>(b1 + o);
        const y0 = load<f32>(a0 + o);
        const y1 = load<f32>(a1 + o);
        const y2 = load<f32>(a2 + o);
        const y3 = load<f32>(a3 + o);
        r00 += y0 * x0;
        r01 += y0 * x1;
        r10 += y1 * x0;
        r11 += y1 * x1;
        r20 += y2 * x0;
        r21 += y2 * x1;
        r30 += y3 * x0;
        r31 += y3 * x1;
      }
      const p = c0 + (<usize>j << 2);
      put(p, r00, accumulate);
      put(p + 4, r01, accumulate);
      put(p + rowC, r10, accumulate);
      put(p + rowC + 4, r11, accumulate);
      put(p + 2 * rowC, r20, accumulate);
      put(p + 2 * rowC + 4, r21, accumulate);
      put(p + 3 * rowC, r30, accumulate);
      put(p + 3 * rowC + 4, r31, accumulate);
    }
    for (let j = n2; j < n; j++) {
      const bj = b + <usize>j * rowB;
      const p = c0 + (<usize>j << 2);
      put(p, dot(a0, bj, depth), accumulate);
      put(p + rowC, dot(a1, bj, depth), accumulate);
      put(p + 2 * rowC, dot(a2, bj, depth), accumulate);
      put(p + 3 * rowC, dot(a3, bj, depth), accumulate);
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = a + <usize>i * rowA;
    const ci = c + <usize>i * rowC;
    for (let j = 0; j < n; j++) put(ci + (<usize>j << 2), dot(ai, b + <usize>j * rowB, depth), accumulate);
  }
}

// C[i, j] (+)= Σ_k A[i, k] · B[k, j] (B read along its rows, not transposed): for the input projection, whose
// depth (the features) is small, blocks of 4 rows by 8 columns broadcast A and need no horizontal sums.
export function gemmNN(m: i32, n: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: i32): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const rowA = <usize>lda << 2;
  const rowB = <usize>ldb << 2;
  const rowC = <usize>ldc << 2;
  for (let i = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    const c0 = c + <usize>i * rowC;
    for (let j = 0; j < n8; j += 8) {
      const bj = b + (<usize>j << 2);
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let k = 0; k < depth; k++) {
        const o = <usize>k << 2;
        const bk = bj + <usize>k * rowB;
        const x0 = v128.load(bk);
        const x1 = v128.load(bk + 16);
        const y0 = f32x4.splat(load<f32>(a0 + o));
        const y1 = f32x4.splat(load<f32>(a1 + o));
        const y2 = f32x4.splat(load<f32>(a2 + o));
        const y3 = f32x4.splat(load<f32>(a3 + o));
        s00 = f32x4.add(s00, f32x4.mul(y0, x0));
        s01 = f32x4.add(s01, f32x4.mul(y0, x1));
        s10 = f32x4.add(s10, f32x4.mul(y1, x0));
        s11 = f32x4.add(s11, f32x4.mul(y1, x1));
        s20 = f32x4.add(s20, f32x4.mul(y2, x0));
        s21 = f32x4.add(s21, f32x4.mul(y2, x1));
        s30 = f32x4.add(s30, f32x4.mul(y3, x0));
        s31 = f32x4.add(s31, f32x4.mul(y3, x1));
      }
      const p = c0 + (<usize>j << 2);
      putVector(p, s00, accumulate);
      putVector(p + 16, s01, accumulate);
      putVector(p + rowC, s10, accumulate);
      putVector(p + rowC + 16, s11, accumulate);
      putVector(p + 2 * rowC, s20, accumulate);
      putVector(p + 2 * rowC + 16, s21, accumulate);
      putVector(p + 3 * rowC, s30, accumulate);
      putVector(p + 3 * rowC + 16, s31, accumulate);
    }
  }
  // Remaining rows and columns, one value at a time.
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowA;
    const ci = c + <usize>i * rowC;
    for (let j = i < m4 ? n8 : 0; j < n; j++) {
      let s: f32 = 0;
      for (let k = 0; k < depth; k++) s += load<f32>(ai + (<usize>k << 2)) * load<f32>(b + <usize>k * rowB + (<usize>j << 2));
      put(ci + (<usize>j << 2), s, accumulate);
    }
  }
}

@inline function putVector(p: usize, value: v128, accumulate: i32): void {
  v128.store(p, accumulate ? f32x4.add(v128.load(p), value) : value);
}
