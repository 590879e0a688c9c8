import { describe, expect, it } from 'vitest';
import { buildModel } from '../model/build.js';
import { tfjsPredictor } from '../train/tfjs-trainer.js';
import { foldBlocks, runBacktest } from './backtest.js';
import { counting, handContext, handSeries } from './test-context.js';

// Series 1..40, 3 time steps, tutorial windows, split at row 20: 6 test windows, targets at rows 23, 26, ..., 38.
const RANGE = 39;
const ERRORS = [0.1, 0.1, 0.2, 0.2, 0.3, 0.3];

function contextWithErrors(backtestFolds: number, errors = ERRORS, outputUnits = 1) {
  const series = handSeries([counting(40)]);
  const base = handContext(series, { config: { prep: { timeSteps: 3, trainFraction: 0.5 }, model: { outputUnits }, evaluation: { backtestFolds } } });
  const actual = base.prepared.test.y;
  return { ...base, testPredictionsScaled: actual.map((v, i) => v + errors[i]) };
}

describe('foldBlocks', () => {
  it('splits windows into consecutive blocks whose sizes differ by at most one', () => {
    expect(foldBlocks(6, 3)).toEqual([{ from: 0, to: 2 }, { from: 2, to: 4 }, { from: 4, to: 6 }]);
    expect(foldBlocks(6, 4).map((b) => b.to - b.from)).toEqual([1, 2, 1, 2]);
  });
});

describe('runBacktest', () => {
  it('k = 3: fold rows and per-fold errors 0.1, 0.2, 0.3', () => {
    const folds = runBacktest(contextWithErrors(3));
    expect(folds.map(({ fold, start, end }) => [fold, start, end])).toEqual([[1, 23, 26], [2, 29, 32], [3, 35, 38]]);
    folds.forEach((f, j) => {
      expect(f.metrics.count).toBe(2);
      expect(f.metrics.rmse).toBeCloseTo(0.1 * (j + 1), 6);
      expect(f.metrics.original.mae).toBeCloseTo(0.1 * (j + 1) * RANGE, 4);
    });
  });

  it('k = 4 gives blocks of 1, 2, 1, 2 windows', () => {
    const folds = runBacktest(contextWithErrors(4));
    expect(folds.map(({ start, end, metrics }) => [start, end, metrics.count])).toEqual([[23, 23, 1], [26, 29, 2], [32, 32, 1], [35, 38, 2]]);
    expect(folds[1].metrics.rmse).toBeCloseTo(Math.sqrt((0.1 ** 2 + 0.2 ** 2) / 2), 6);
  });

  it('k = 0 gives no folds; more folds than windows run one per window and say so', () => {
    expect(runBacktest(contextWithErrors(0))).toEqual([]);
    const warnings: string[] = [];
    const folds = runBacktest(contextWithErrors(7), warnings);
    expect(folds.map((f) => f.start)).toEqual([23, 26, 29, 32, 35, 38]);
    expect(warnings).toEqual(['Backtest: 7 folds were asked for but the test span has only 6 windows; ran 6 folds of one window each.']);
  });

  it('with a 2-step head a fold holds every step of its windows', () => {
    const errors = [0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3];
    const folds = runBacktest(contextWithErrors(3, errors, 2));
    expect(folds.map(({ start, end, metrics }) => [start, end, metrics.count])).toEqual([[23, 27, 4], [29, 33, 4], [35, 39, 4]]);
    expect(folds[2].metrics.mae).toBeCloseTo(0.3, 6);
  });

  it('folds of a real model partition its test errors', () => {
    const sine = Array.from({ length: 120 }, (_, t) => Math.sin((2 * Math.PI * t) / 12));
    const series = handSeries([sine]);
    const ctx = handContext(series, { config: { prep: { timeSteps: 6, windowing: 'sliding' }, evaluation: { backtestFolds: 5 } } });
    const model = buildModel(ctx.config.model, { timeSteps: 6, features: 1, seed: 7 });
    const predict = tfjsPredictor(model);
    const predictions = predict(ctx.prepared.test);
    const folds = runBacktest({ ...ctx, predict, testPredictionsScaled: predictions });
    const total = predictions.reduce((s, p, i) => s + (p - ctx.prepared.test.y[i]) ** 2, 0);
    expect(folds.reduce((s, f) => s + f.metrics.count, 0)).toBe(ctx.prepared.test.samples);
    expect(folds.reduce((s, f) => s + f.metrics.count * f.metrics.rmse ** 2, 0)).toBeCloseTo(total, 5);
    expect(folds[0].start).toBe(ctx.prepared.splitIndex + 6);
    expect(folds[4].end).toBe(119);
    model.dispose();
  });
});
