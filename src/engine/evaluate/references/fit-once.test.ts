import { describe, expect, it } from 'vitest';
import { fitReferences } from './index.js';
import { fitReferencesOnce } from './fit-once.js';

/** A monthly-looking series: trend, season 12 and a little deterministic noise. */
function series(n: number, shift = 0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 100 + i * 0.5 + 10 * Math.sin((2 * Math.PI * i) / 12) + ((i * 7919) % 13) / 4 + shift);
}

describe('fitReferencesOnce', () => {
  it('fits a series and split once per process and forecasts exactly as a fresh fit', () => {
    const target = series(144);
    const firstWarnings: string[] = [];
    const first = fitReferencesOnce(target, 120, null, firstWarnings);
    // The same values in another array (a new run loads its own copy of the data): the same fit.
    const againWarnings: string[] = [];
    const again = fitReferencesOnce(Float64Array.from(target), 120, null, againWarnings);
    expect(again).toBe(first);
    expect(againWarnings).toEqual(firstWarnings);
    const fresh = fitReferences(target, 120, null, []);
    try {
      expect(first.map((r) => r.name)).toEqual(fresh.map((r) => r.name));
      for (let i = 0; i < fresh.length; i++) expect(first[i].forecast(125, 6)).toEqual(fresh[i].forecast(125, 6));
    } finally {
      for (const r of fresh) r.dispose();
    }
  });

  it('fits again for another split, season or values', () => {
    const target = series(144);
    const base = fitReferencesOnce(target, 120, null, []);
    expect(fitReferencesOnce(target, 108, null, []).length).toBeGreaterThan(0);
    expect(fitReferencesOnce(target, 108, null, [])).not.toBe(base);
    expect(fitReferencesOnce(target, 120, 4, [])).not.toBe(base);
    expect(fitReferencesOnce(series(144, 1), 120, null, [])).not.toBe(base);
  });
});
