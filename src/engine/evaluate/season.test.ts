import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autocorrelation, detectSeasonLength, detrend } from './season.js';

function trainingPart(dataset: string): number[] {
  const rows = readFileSync(new URL(`../../../resources/datasets/${dataset}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1);
  const values = rows.map((row) => Number(row.split(',')[1]));
  return values.slice(0, Math.floor(values.length * 0.8));
}

describe('autocorrelation and detrending', () => {
  it('computes the ACF by hand on 1, 2, 3, 4', () => {
    // deviations -1.5 -0.5 0.5 1.5, sum of squares 5
    const r = autocorrelation([1, 2, 3, 4], 2)!;
    expect(r[0]).toBeCloseTo(1, 12);
    expect(r[1]).toBeCloseTo((0.75 - 0.25 + 0.75) / 5, 12);
    expect(r[2]).toBeCloseTo((-0.75 - 0.75) / 5, 12);
    expect(autocorrelation([3, 3, 3], 1)).toBeNull();
  });

  it('detrend removes the least-squares line', () => {
    // 1, 4, 3: line 1.33 + 1·t → residuals -1/3, 2/3, -1/3
    const residuals = detrend([1, 3, 3]);
    expect(Array.from(residuals).map((v) => +v.toFixed(12))).toEqual([-1 / 3, 2 / 3, -1 / 3].map((v) => +v.toFixed(12)));
  });
});

describe('detectSeasonLength', () => {
  it('finds 12 in a sine of period 12, also on a trend', () => {
    const sine = Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 12));
    expect(detectSeasonLength(sine)).toBe(12);
    expect(detectSeasonLength(sine.map((v, t) => v + 0.05 * t))).toBe(12);
  });

  it('respects maxLag and needs lag >= 2', () => {
    const period20 = Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 20));
    expect(detectSeasonLength(period20)).toBe(20);
    expect(detectSeasonLength(period20, 15)).toBeNull();
    const alternating = Array.from({ length: 100 }, (_, t) => (t % 2 ? 1 : -1));
    expect(detectSeasonLength(alternating)).toBe(2);
  });

  it('is null for a constant, a straight line and a too short series', () => {
    expect(detectSeasonLength(new Array(50).fill(7))).toBeNull();
    expect(detectSeasonLength(Array.from({ length: 50 }, (_, t) => 3 * t + 1))).toBeNull();
    expect(detectSeasonLength([1, 2, 1, 2, 1])).toBeNull();
  });

  it('finds the yearly season of air passengers and Nottingham temperatures (training part)', () => {
    expect(detectSeasonLength(trainingPart('air-passengers'))).toBe(12);
    expect(detectSeasonLength(trainingPart('nottingham-temperature'))).toBe(12);
  });

  it('finds the ~11-year solar cycle in the monthly sunspots (training part)', () => {
    const m = detectSeasonLength(trainingPart('sunspots'))!;
    expect(m).toBeGreaterThanOrEqual(120);
    expect(m).toBeLessThanOrEqual(135);
  });
});
