import { describe, expect, it } from 'vitest';
import { computeBaselines, seasonalSourceRow } from './baselines.js';
import { counting, handContext, handSeries } from './test-context.js';

// Series 1..40 (value at row r is r + 1), 3 time steps, tutorial windows, split at row 20:
// test targets at rows 23, 26, ..., 38 (values 24, 27, ..., 39), each window ending the row before.
const tutorial = { prep: { timeSteps: 3, trainFraction: 0.5 } } as const;
const ACTUALS = [24, 27, 30, 33, 36, 39];
const RANGE = 39; // MinMax range of 1..40

function byName(ctx: ReturnType<typeof handContext>, warnings: string[] = []) {
  return Object.fromEntries(computeBaselines(ctx, warnings).map((b) => [b.name, b]));
}

describe('baselines on the test targets of series 1..40', () => {
  it('naive repeats the last input value: every error is 1 (1/39 scaled)', () => {
    const ctx = handContext(handSeries([counting(40)]), { config: tutorial, scale: { scaled: 1 / RANGE, original: 1 } });
    const { naive } = byName(ctx);
    expect(naive.test.count).toBe(6);
    expect(naive.test.original.rmse).toBeCloseTo(1, 12);
    expect(naive.test.original.mae).toBeCloseTo(1, 12);
    expect(naive.test.rmse).toBeCloseTo(1 / RANGE, 12);
    expect(naive.test.original.mape).toBeCloseTo((100 * ACTUALS.reduce((s, a) => s + 1 / a, 0)) / 6, 10);
    expect(naive.test.original.smape).toBeCloseTo((100 * ACTUALS.reduce((s, a) => s + 2 / (2 * a - 1), 0)) / 6, 10);
    expect(naive.test.original.mase).toBeCloseTo(1, 12);
    expect(naive.test.mase).toBeCloseTo(1, 10);
  });

  it('mean predicts the training mean 10.5 everywhere', () => {
    const ctx = handContext(handSeries([counting(40)]), { config: tutorial });
    const { mean } = byName(ctx);
    expect(mean.description).toContain('10.5');
    expect(mean.test.original.mae).toBeCloseTo(21, 12); // errors 13.5, 16.5, ..., 28.5
    expect(mean.test.original.rmse).toBeCloseTo(Math.sqrt(2803.5 / 6), 10);
    expect(mean.test.mae).toBeCloseTo(21 / RANGE, 12);
    expect(mean.test.mase).toBeNull();
  });

  it('seasonal naive with m = 5 copies the value 5 rows earlier; omitted when no season is known', () => {
    const ctx = handContext(handSeries([counting(40)]), { config: { ...tutorial, evaluation: { seasonLength: 5 } }, seasonLength: 5 });
    const baselines = byName(ctx);
    expect(Object.keys(baselines)).toEqual(['naive', 'seasonal-naive', 'mean', 'ets', 'theta', 'arima']);
    expect(baselines['seasonal-naive'].test.original.mae).toBeCloseTo(5, 12);
    expect(baselines['seasonal-naive'].description).toContain('m = 5, as set');
    expect(Object.keys(byName(handContext(handSeries([counting(40)]), { config: tutorial })))).toEqual(['naive', 'mean', 'ets', 'theta', 'arima']);
  });

  it('with a 2-step head, each step is scored: naive errors 1 and 2, seasonal m = 2 errors 2 and 2', () => {
    const ctx = handContext(handSeries([counting(40)]), { config: { ...tutorial, model: { outputUnits: 2 } }, seasonLength: 2 });
    const baselines = byName(ctx);
    expect(baselines.naive.test.count).toBe(12);
    expect(baselines.naive.test.original.mae).toBeCloseTo(1.5, 12);
    expect(baselines['seasonal-naive'].test.original.mae).toBeCloseTo(2, 12);
    expect(baselines['seasonal-naive'].description).toContain('m = 2, detected');
  });

  it('seasonal source row: k is the smallest integer reaching back into the window', () => {
    // window ends at row 22; targets at rows 23, 24, 25
    expect(seasonalSourceRow({ row: 23, lastInputRow: 22 }, 12)).toBe(11);
    expect(seasonalSourceRow({ row: 25, lastInputRow: 22 }, 2)).toBe(21);
    expect(seasonalSourceRow({ row: 25, lastInputRow: 22 }, 3)).toBe(22);
    expect(seasonalSourceRow({ row: 25, lastInputRow: 22 }, 1)).toBe(22);
  });

  it('leaves seasonal naive out, with a reason, when the season reaches before row 0', () => {
    const warnings: string[] = [];
    const ctx = handContext(handSeries([counting(40)]), { config: tutorial, seasonLength: 30 });
    expect(Object.keys(byName(ctx, warnings))).toEqual(['naive', 'mean', 'ets', 'theta', 'arima']);
    expect(warnings[0]).toMatch(/season of 30 rows reaches back before the first row/);
  });
});

describe('seasonal naive on a sine of period 12 (sliding windows: targets at every phase)', () => {
  const sine = Array.from({ length: 240 }, (_, t) => 5 + Math.sin((2 * Math.PI * t) / 12));
  const ctx = handContext(handSeries([sine]), { config: { prep: { windowing: 'sliding' } }, seasonLength: 12 });
  const baselines = byName(ctx);

  it('is exact, where naive and mean are not', () => {
    expect(baselines['seasonal-naive'].test.count).toBe(ctx.prepared.test.samples);
    expect(baselines['seasonal-naive'].test.original.rmse).toBeLessThan(1e-12);
    expect(baselines.naive.test.original.rmse).toBeGreaterThan(0.1);
    expect(baselines.mean.test.original.rmse).toBeGreaterThan(0.1);
  });
});
