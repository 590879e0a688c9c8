/**
 * The one matrix product the fused kernel needs, over Float32Array views given as (array, offset, leading
 * dimension): C[i, j] (+)= Σ_k A[i, k] · B[j, k] for i < m, j < n, k < depth, i.e. C = A · Bᵀ with both
 * operands read along their rows. Two implementations: WebAssembly SIMD (wasm/fused-gemm.ts, compiled
 * into gemm-wasm.ts), used when the runtime supports it, and plain TypeScript (`gemmABt`). The wasm one
 * works on arrays inside its own memory, so a network takes all its buffers from one `KernelArena`.
 */
import { FUSED_GEMM_WASM } from './gemm-wasm.js';

export type Gemm = (
  m: number,
  n: number,
  depth: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  accumulate: boolean,
) => void;

/**
 * Plain TypeScript: blocks of 4 rows of A by 2 rows of B keep 8 sums in registers, so each loaded value is
 * used 2 to 4 times; nothing is allocated.
 */
export function gemmABt(
  m: number,
  n: number,
  depth: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  c: Float32Array,
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

/** C[i, j] (+)= Σ_k A[i, k] · B[k, j], B read along its rows (the input projection's product). */
export function gemmAB(
  m: number,
  n: number,
  depth: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * ldc;
    if (!accumulate) c.fill(0, ci, ci + n);
    for (let k = 0; k < depth; k++) {
      const x = a[aOffset + i * lda + k];
      const bk = bOffset + k * ldb;
      for (let j = 0; j < n; j++) c[ci + j] += x * b[bk + j];
    }
  }
}

const TILE = 16;

/** out[j, i] = source[i, j] for a rows × cols block (leading dimensions given), in cache-sized tiles. */
export function transpose(
  rows: number,
  cols: number,
  source: Float32Array,
  sourceOffset: number,
  lds: number,
  out: Float32Array,
  outOffset: number,
  ldo: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let j = j0; j < j1; j++) {
        const o = outOffset + j * ldo;
        for (let i = i0; i < i1; i++) out[o + i] = source[sourceOffset + i * lds + j];
      }
    }
  }
}

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let wasmModule: object | null | undefined;

/** The compiled SIMD module, or null where this runtime has no WebAssembly SIMD. */
function simdModule(): object | null {
  if (wasmModule === undefined) {
    const bytes = Uint8Array.from(atob(FUSED_GEMM_WASM), (ch) => ch.charCodeAt(0));
    wasmModule = wasmApi && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return wasmModule;
}

/** Whether the WebAssembly SIMD product can run here. */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}

/** Float32 buffers of one network, all in one memory, and the product that works on them. */
export interface KernelArena {
  /** A new zeroed view of `count` floats (16-byte aligned). */
  floats(count: number): Float32Array;
  /** C (+)= A · Bᵀ */
  gemm: Gemm;
  /** C (+)= A · B */
  gemmAB: Gemm;
  /** 'wasm-simd' or 'typescript'. */
  kind: 'wasm-simd' | 'typescript';
}

const PAGE = 65536;

/** An arena for `totalFloats` floats (the sum of what will be asked for, each rounded up to 4). */
export function kernelArena(totalFloats: number, useSimd = true): KernelArena {
  const bytes = Math.max(16, totalFloats * 4);
  const module = useSimd ? simdModule() : null;
  let buffer: ArrayBuffer;
  let gemm: Gemm;
  let gemmNN: Gemm;
  if (module) {
    const memory = new wasmApi!.Memory({ initial: Math.ceil(bytes / PAGE) });
    const instance = new wasmApi!.Instance(module, { env: { memory, abort: () => undefined } });
    buffer = memory.buffer;
    const memoryBuffer = buffer;
    const bind = (product: (...args: number[]) => void): Gemm => (m, n, depth, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate) => {
      if (a.buffer !== memoryBuffer || b.buffer !== memoryBuffer || c.buffer !== memoryBuffer) {
        throw new Error('The SIMD product was given an array from outside its arena.');
      }
      product(m, n, depth, a.byteOffset + aOffset * 4, lda, b.byteOffset + bOffset * 4, ldb, c.byteOffset + cOffset * 4, ldc, accumulate ? 1 : 0);
    };
    gemm = bind(instance.exports.gemm as (...args: number[]) => void);
    gemmNN = bind(instance.exports.gemmNN as (...args: number[]) => void);
  } else {
    buffer = new ArrayBuffer(bytes);
    gemm = gemmABt;
    gemmNN = gemmAB;
  }
  let used = 0;
  return {
    floats(count) {
      const view = new Float32Array(buffer, used * 4, count);
      used += Math.ceil(count / 4) * 4;
      if (used * 4 > buffer.byteLength) throw new Error('kernel arena overflow');
      return view;
    },
    gemm,
    gemmAB: gemmNN,
    kind: module ? 'wasm-simd' : 'typescript',
  };
}

/** Counts what an allocation pass asks for, so that the real arena can be sized before it exists. */
export function countingArena(): KernelArena & { total(): number } {
  let used = 0;
  return {
    floats(count) {
      used += Math.ceil(count / 4) * 4;
      return new Float32Array(0);
    },
    gemm: gemmABt,
    gemmAB,
    kind: 'typescript',
    total: () => used,
  };
}
