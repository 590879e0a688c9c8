import { describe, expect, it } from 'vitest';
import { lttbIndices } from './downsample.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('lttbIndices', () => {
  it('returns a series no longer than the threshold whole', () => {
    expect(Array.from(lttbIndices([3, 1, 4, 1, 5], 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(lttbIndices([3, 1, 4], 100))).toEqual([0, 1, 2]);
    expect(Array.from(lttbIndices([], 100))).toEqual([]);
    expect(Array.from(lttbIndices([7], 100))).toEqual([0]);
  });

  it('keeps exactly threshold rows, the first and the last among them, in ascending order', () => {
    const values = Float64Array.from(range(10_007), (i) => Math.sin(i / 30) + ((i * 7919) % 101) / 200);
    for (const threshold of [3, 4, 100, 1000, 10_006]) {
      const kept = Array.from(lttbIndices(values, threshold));
      expect(kept).toHaveLength(threshold);
      expect(kept[0]).toBe(0);
      expect(kept.at(-1)).toBe(values.length - 1);
      expect(kept.every((row, i) => i === 0 || row > kept[i - 1])).toBe(true);
    }
  });

  it('picks the spike in a bucket', () => {
    // 102 rows, threshold 12: ten buckets of ten inner rows; a flat line with one spike in the fourth bucket.
    const values = range(102).map(() => 1);
    values[37] = 50;
    values[74] = -20;
    const kept = Array.from(lttbIndices(values, 12));
    expect(kept).toHaveLength(12);
    expect(kept).toContain(37);
    expect(kept).toContain(74);
    // One row per bucket: bucket b holds rows 10b+1 … 10b+10.
    kept.slice(1, -1).forEach((row, b) => {
      expect(row).toBeGreaterThanOrEqual(10 * b + 1);
      expect(row).toBeLessThanOrEqual(10 * b + 10);
    });
  });

  it('thins 1,000,000 rows to 20,000 in one pass', () => {
    const n = 1_000_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = 100 + 20 * Math.sin(i / 1440) + (i % 97) / 10;
    values[654_321] = 1e6;
    const kept = lttbIndices(values, 20_000);
    expect(kept).toHaveLength(20_000);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(n - 1);
    expect(Array.from(kept)).toContain(654_321);
    expect(kept.every((row, i) => i === 0 || row > kept[i - 1])).toBe(true);
  });
});
