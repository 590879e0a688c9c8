import { describe, expect, it } from 'vitest';
import type { Windows } from '../data/windows.js';
import { seededRandom } from '../train/random.js';
import { conformalHalfWidth, coverage, predictionIntervals } from './intervals.js';
import { handContext, handSeries } from './test-context.js';

describe('split-conformal half-width', () => {
  it('is the ceil((n + 1) level)-th smallest error, or null when there are too few', () => {
    const errors = [9, 1, 8, 2, 7, 3, 6, 4, 5];
    expect(conformalHalfWidth(errors, 0.8)).toBe(8); // rank ceil(10 * 0.8) = 8
    expect(conformalHalfWidth(errors, 0.5)).toBe(5);
    expect(conformalHalfWidth(errors, 0.95)).toBeNull(); // rank 10 > 9
    expect(conformalHalfWidth([], 0.5)).toBeNull();
  });

  it('coverage counts the actuals inside the band (an unbounded band holds all)', () => {
    expect(coverage([1, 2, 3, 4], [1, 2.5, 3, 6], () => 0.5)).toBe(0.75);
    expect(coverage([1, 2], [5, 9], () => null)).toBe(1);
  });
});

/** Standard normal draws from a seeded uniform generator (Box-Muller). */
function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The naive predictor: every step repeats the window's last value (the best forecast of a random walk). */
const lastValue = (w: Windows) => {
  const out = new Float32Array(w.samples * w.horizon);
  for (let s = 0; s < w.samples; s++) out.fill(w.x[(s + 1) * w.timeSteps * w.features - w.features], s * w.horizon, (s + 1) * w.horizon);
  return out;
};

describe('coverage on random walks with N(0, 1) steps, over many seeds', () => {
  it('reaches at least the nominal level on average (80 % and 95 %), per step of a 2-step head', async () => {
    const seeds = 300;
    const sums = { 0.8: 0, 0.95: 0 };
    let unbounded = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const draw = normal(seededRandom(seed));
      let level = 0;
      const walk = Array.from({ length: 400 }, () => (level += draw()));
      const ctx = handContext(handSeries([walk]), {
        config: { prep: { timeSteps: 3, windowing: 'sliding', validationFraction: 0.3, trainFraction: 0.75 }, model: { outputUnits: 2 } },
      });
      ctx.testPredictionsScaled = lastValue(ctx.prepared.test);
      const intervals = (await predictionIntervals(ctx, lastValue, lastValue(ctx.prepared.validation!), 0))!;
      expect(intervals.calibrationSize).toBe(ctx.prepared.validation!.samples);
      for (const band of intervals.test) {
        sums[band.level as 0.8 | 0.95] += band.coverage!;
        if (band.halfWidth.includes(null)) unbounded++;
      }
    }
    expect(unbounded).toBe(0);
    // Split conformal guarantees E[coverage] >= level; the mean of 300 runs has a standard error near 0.003.
    expect(sums[0.8] / seeds).toBeGreaterThanOrEqual(0.8 - 0.01);
    expect(sums[0.95] / seeds).toBeGreaterThanOrEqual(0.95 - 0.01);
    // And not much more: the bands are not trivially wide.
    expect(sums[0.8] / seeds).toBeLessThan(0.84);
  });

  it('forecast bands widen with the step (k-step errors of the recursion on a random walk grow like sqrt(k))', async () => {
    const draw = normal(seededRandom(7));
    let level = 0;
    const walk = Array.from({ length: 3000 }, () => (level += draw()));
    const ctx = handContext(handSeries([walk]), { config: { prep: { timeSteps: 3, windowing: 'sliding', validationFraction: 0.3 } } });
    const intervals = (await predictionIntervals(ctx, lastValue, lastValue(ctx.prepared.validation!), 16))!;
    const band = intervals.forecast.find((b) => b.level === 0.8)!;
    expect(band.halfWidth).toHaveLength(16);
    // N(0, k) has its 80 % two-sided bound at 1.2816 sqrt(k).
    expect(band.halfWidth[0]!).toBeCloseTo(1.2816, 0);
    expect(band.halfWidth[15]! / band.halfWidth[0]!).toBeGreaterThan(3);
    expect(band.halfWidth[15]! / band.halfWidth[0]!).toBeLessThan(5);
  });

  it('no validation part, no intervals', async () => {
    const ctx = handContext(handSeries([Array.from({ length: 100 }, (_, i) => i)]));
    expect(await predictionIntervals(ctx, lastValue, null, 0)).toBeNull();
  });
});
