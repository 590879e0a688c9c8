/** The committed WebAssembly module (gemm-wasm.ts) is what `npm run build:kernel` makes of wasm/fused-gemm.ts today. */
import { describe, expect, it } from 'vitest';
import { compileKernel, moduleSource } from '../../../../wasm/build.mjs';
import { FUSED_GEMM_WASM } from './gemm-wasm.js';
import { gemmABt, kernelArena } from './gemm.js';
import { seededRandom } from '../../train/random.js';

describe('the SIMD matrix product', () => {
  it('is built from its AssemblyScript source', () => {
    expect(moduleSource(compileKernel()).includes(FUSED_GEMM_WASM)).toBe(true);
  });

  it.each([
    [1, 3, 1],
    [5, 7, 9],
    [64, 256, 64],
    [6, 3, 35],
  ])('equals the TypeScript product for %i x %i, depth %i (also accumulating)', (m, n, depth) => {
    const random = seededRandom(m * 1000 + n * 10 + depth);
    const arena = kernelArena(4 * (m * depth + n * depth + m * n) + 64);
    expect(arena.kind).toBe('wasm-simd');
    const fill = (values: Float32Array, shift: number) => values.forEach((_, i) => (values[i] = random() - shift));
    const a = arena.floats(m * depth + 3);
    const b = arena.floats(n * depth + 1);
    const c = arena.floats(m * n);
    fill(a, 0.5);
    fill(b, 0.5);
    fill(c, 0);
    const expected = Float32Array.from(c);
    gemmABt(m, n, depth, a, 3, depth, b, 1, depth, expected, 0, n, true);
    arena.gemm(m, n, depth, a, 3, depth, b, 1, depth, c, 0, n, true);
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i] - expected[i])).toBeLessThan(1e-5);
    arena.gemm(m, n, depth, a, 3, depth, b, 1, depth, c, 0, n, false);
    gemmABt(m, n, depth, a, 3, depth, b, 1, depth, expected, 0, n, false);
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i] - expected[i])).toBeLessThan(1e-5);
    expect(() => arena.gemm(m, n, depth, new Float32Array(a), 3, depth, b, 1, depth, c, 0, n, false)).toThrow(/outside/);
  });
});
