import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../contract/run-config.js';
import { bundledDatasetPath } from '../data/bundled-datasets.js';
import { calendarValues } from '../data/calendar-features.js';
import type { Windows } from '../data/windows.js';
import { trainAndEvaluate } from '../run.js';
import { MAX_RECURSIVE_PREDICTIONS, networkFromOrigin, recursiveFromOrigin } from './from-origin.js';
import { counting, handContext, handSeries } from './test-context.js';

// Series 1..40, MinMax-scaled: row r is r / 39. Split at row 20; 3 time steps, tutorial windows:
// test targets at rows 23, 26, ..., 38.
const STEP = 1 / 39;
const config = { prep: { timeSteps: 3, trainFraction: 0.5 } } as const;

/** A predictor that continues the window's last step H times (exact on a straight line). */
function continueLine(horizon: number, calls: Windows[] = []) {
  return (w: Windows) => {
    calls.push(w);
    const last = w.x[w.timeSteps - 1];
    const slope = w.x[w.timeSteps - 1] - w.x[w.timeSteps - 2];
    return Float32Array.from({ length: horizon }, (_, h) => last + slope * (h + 1));
  };
}

describe('the network from the origin', () => {
  it('starts from the last training window and feeds its predictions back, never reading a test value', async () => {
    const target = Float64Array.from(counting(10), (v) => (v <= 6 ? v : NaN)); // rows 6.. are unknown
    const calls: Windows[] = [];
    const forecast = await recursiveFromOrigin(continueLine(1, calls), target, 5, 3, 1, 4);
    expect(forecast).toEqual([7, 8, 9, 10]);
    expect(Array.from(calls[0].x)).toEqual([4, 5, 6]);
    expect(Array.from(calls[3].x)).toEqual([7, 8, 9]);
  });

  it('an exact one-step predictor scores 0 on a straight line; a naive one scores like the naive baseline from the origin', async () => {
    const ctx = handContext(handSeries([counting(40)]), { config });
    const exact = await networkFromOrigin(ctx, continueLine(1));
    expect(exact!.count).toBe(6);
    expect(exact!.original.mae).toBeLessThan(1e-4);
    const naive = await networkFromOrigin(ctx, (w) => Float32Array.of(w.x[w.timeSteps - 1]));
    // Every target forecast as the last training value 20: errors 4, 7, ..., 19.
    expect(naive!.original.mae).toBeCloseTo(11.5, 4);
    expect(naive!.mae).toBeCloseTo(11.5 * STEP, 6);
  });

  it('a 2-unit head gives 2 values per prediction', async () => {
    const ctx = handContext(handSeries([counting(40)]), { config: { ...config, model: { outputUnits: 2 } } });
    const calls: Windows[] = [];
    const result = await networkFromOrigin(ctx, continueLine(2, calls));
    expect(result!.original.mae).toBeLessThan(1e-4);
    // The last target is row 39 (window 36-38, steps 1-2): 20 values after row 19, 10 predictions.
    expect(calls.length).toBe(10);
  });

  it('a test span longer than the recursion limit is not scored, with the reason', async () => {
    const warnings: string[] = [];
    const long = Array.from({ length: 2 * (MAX_RECURSIVE_PREDICTIONS + 10) }, (_, i) => i);
    const ctx = handContext(handSeries([long]), { config: { prep: { timeSteps: 3, trainFraction: 0.5 } } });
    expect(await networkFromOrigin(ctx, continueLine(1), warnings)).toBeNull();
    expect(warnings[0]).toMatch(/would take \d+ predictions one after another \(at most 5000\); set a smaller test size/);
  });

  it('with extra input columns there is none, and the reason is given', async () => {
    const warnings: string[] = [];
    const ctx = handContext(handSeries([counting(40), counting(40)]), { config });
    expect(await networkFromOrigin(ctx, continueLine(1), warnings)).toBeNull();
    expect(warnings[0]).toMatch(/needs future values of the input columns \(x1\)/);
  });

  it('with calendar features only: recurses, each window row after the origin holding that row\'s month sin/cos', async () => {
    // 40 months from 1990-01; the target climbs by 1 a month, the predictor continues it and records the windows.
    const months = Array.from({ length: 40 }, (_, i) => `${1990 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
    const calendar = months.map((label) => calendarValues(['month'], Date.parse(`${label}-01T00:00:00Z`)));
    const ctx = handContext(handSeries([counting(40), calendar.map((c) => c[0]), calendar.map((c) => c[1])], months), { config });
    ctx.config.data.calendarFeatures = ['month'];
    const calls: Windows[] = [];
    const warnings: string[] = [];
    const exact = await networkFromOrigin(
      ctx,
      (w) => {
        calls.push(w);
        const last = (w.timeSteps - 1) * w.features;
        return Float32Array.of(w.x[last] + (w.x[last] - w.x[last - w.features]));
      },
      warnings,
    );
    expect(warnings).toEqual([]);
    expect(exact!.count).toBe(6);
    expect(exact!.original.mae).toBeLessThan(1e-4);
    // Origin row 19; the k-th window ends with row 19 + k: its sin/cos are that row's, as the run's scaler sees them.
    const { scaler } = ctx.prepared;
    expect(calls.length).toBe(38 - 19);
    calls.forEach((w, k) => {
      const last = (w.timeSteps - 1) * w.features;
      expect(w.features).toBe(3);
      expect(w.x[last + 1]).toBeCloseTo(scaler.transformValue(calendar[19 + k][0], 1), 6);
      expect(w.x[last + 2]).toBeCloseTo(scaler.transformValue(calendar[19 + k][1], 2), 6);
    });
  });

  it('a real run with calendar features on air-passengers scores the network from the origin, bands its forecast and backtests with refit', async () => {
    const config = parseRunConfig({
      data: { path: bundledDatasetPath('air-passengers.csv'), calendarFeatures: ['month'] },
      prep: { timeSteps: 12, windowing: 'sliding', testSize: 24, validationFraction: 0.2 },
      model: { layers: [{ type: 'gru', units: 4 }], outputActivation: 'linear' },
      training: { epochs: 3, batchSize: 16, seed: 3, learningRate: 0.01 },
      evaluation: { forecastSteps: 12, refit: { origins: 2, horizon: 6 } },
      backend: 'cpu',
      trainer: 'fused',
    });
    const run = await trainAndEvaluate(config, { runId: 'calendar-from-origin' });
    try {
      const { result } = run;
      expect(result.dataset.inputColumns).toEqual(['month_sin', 'month_cos']);
      expect(result.warnings.filter((w) => /from-the-origin|input columns|No refit backtest/.test(w))).toEqual([]);
      // Every test target (the 12 after the test part's first window), forecast from the end of training.
      expect(result.metrics.testFromOrigin!.count).toBe(12);
      expect(result.metrics.test.count).toBe(12);
      expect(Number.isFinite(result.metrics.testFromOrigin!.original.rmse)).toBe(true);
      expect(result.metrics.testFromOrigin!.original.rmse).toBeGreaterThan(0);
      // The forecast recurses past the 1-unit head, and its bands are calibrated on recursions out of the validation windows.
      expect(result.forecast).toHaveLength(12);
      expect(result.intervals!.forecast.map((b) => b.halfWidth.length)).toEqual([12, 12]);
      // The refit backtest: both origins retrained and forecast 6 months ahead with their months' sin/cos.
      expect(result.refitBacktest).toMatchObject({ origins: 2, trainings: 2, stopped: false });
      expect(result.refitBacktest!.folds.map((f) => [f.start, f.end, f.network.count])).toEqual([
        [132, 137, 6],
        [138, 143, 6],
      ]);
    } finally {
      run.model.dispose();
    }
  }, 300_000);
});
