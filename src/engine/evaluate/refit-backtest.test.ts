/**
 * The refit backtest for real on air-passengers: k origins => k trainings through the trainer seam (counted
 * by wrapping the real fused trainer), each on the rows up to its origin only; the references refitted on the
 * same rows; expanding and sliding windows; and the whole run reporting it.
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../contract/run-config.js';
import { RefitBacktestSchema } from '../../contract/run-result.js';
import { loadSeries } from '../data/load-series.js';
import { prepareData } from '../data/prepare.js';
import { fusedTrainer } from '../train/fused-trainer.js';
import type { Trainer, TrainRequest } from '../train/trainer.js';
import { trainAndEvaluate } from '../run.js';
import { maseScale } from './metrics.js';
import { refitBacktest, refitFolds } from './refit-backtest.js';

tf.enableProdMode();
const csv = resolve('resources/datasets/air-passengers.csv');

const settings = (refit: RunConfigInput['evaluation']) =>
  parseRunConfig({
    data: { path: csv },
    prep: { timeSteps: 12, windowing: 'sliding', testSize: 24 },
    model: { layers: [{ type: 'gru', units: 4 }], outputActivation: 'linear' },
    training: { epochs: 2, batchSize: 16, seed: 3, learningRate: 0.01 },
    evaluation: refit,
    backend: 'cpu',
    trainer: 'fused',
  });

/** The real fused trainer, recording what each training was given. */
function countingTrainer(): { trainer: Trainer; trainings: TrainRequest[] } {
  const trainings: TrainRequest[] = [];
  return {
    trainings,
    trainer: { ...fusedTrainer, train: (request) => (trainings.push(request), fusedTrainer.train(request)) },
  };
}

async function backtest(config: ReturnType<typeof settings>, trainer: Trainer, warnings: string[] = []) {
  const series = await loadSeries(config.data);
  const prepared = prepareData(series, config.prep);
  const scale = { scaled: maseScale(prepared.target.scaled.subarray(0, prepared.splitIndex), 1), original: maseScale(series.features[0].subarray(0, prepared.splitIndex), 1) };
  return refitBacktest({ config, series, seasonLength: 12, basis: { prepared, series, scale }, trainer, warnings });
}

describe('refit backtest', () => {
  it('places k origins before the last k blocks of H rows, the window expanding or sliding', () => {
    expect(refitFolds(144, 3, 6, 'expanding')).toEqual([
      { trainStart: 0, origin: 125, start: 126, end: 131 },
      { trainStart: 0, origin: 131, start: 132, end: 137 },
      { trainStart: 0, origin: 137, start: 138, end: 143 },
    ]);
    expect(refitFolds(144, 3, 6, 'sliding').map((f) => [f.trainStart, f.origin])).toEqual([
      [0, 125],
      [6, 131],
      [12, 137],
    ]);
  });

  it('k origins => k trainings, each on the rows up to its origin only; references refitted beside it', async () => {
    const { trainer, trainings } = countingTrainer();
    const result = RefitBacktestSchema.parse(await backtest(settings({ refit: { origins: 3, horizon: 6 } }), trainer));
    expect(trainings).toHaveLength(3);
    expect(result.trainings).toBe(3);
    // Expanding: 126, 132, 138 training rows → 114, 120, 126 sliding windows of 12 (less nothing: no validation).
    expect(trainings.map((t) => t.train.samples)).toEqual([126 - 12, 132 - 12, 138 - 12]);
    // No training window reaches past its origin: the last target of fold j is row origin_j.
    trainings.forEach((t, j) => expect(Math.max(...t.train.targetIndex)).toBe(result.folds[j].origin - result.folds[j].trainStart));
    expect(result.folds.map((f) => [f.start, f.end])).toEqual([
      [126, 131],
      [132, 137],
      [138, 143],
    ]);
    for (const fold of result.folds) {
      expect(fold.network.count).toBe(6);
      expect(fold.network.original.rmse).toBeGreaterThan(0);
      expect(fold.network.original.rmse).toBeLessThan(300);
      expect(fold.baselines.map((b) => b.name)).toEqual(['naive', 'seasonal-naive', 'ets', 'theta', 'arima']);
      for (const b of fold.baselines) expect(b.metrics.count).toBe(6);
    }
    // Refitted: the references' errors differ per fold, and seasonal naive repeats last year's value.
    const series = await loadSeries({ path: csv, column: null, inputColumns: [], timeColumn: null, missing: 'interpolate' });
    const fold = result.folds[0];
    const rows = Array.from({ length: 6 }, (_, h) => fold.start + h);
    const seasonal = Math.sqrt(rows.reduce((s, r) => s + (series.features[0][r] - series.features[0][r - 12]) ** 2, 0) / 6);
    expect(fold.baselines.find((b) => b.name === 'seasonal-naive')!.metrics.original.rmse).toBeCloseTo(seasonal, 9);
  }, 300_000);

  it('sliding: every fold trains on as many rows as the first', async () => {
    const { trainer, trainings } = countingTrainer();
    const result = (await backtest(settings({ refit: { origins: 2, horizon: 12, window: 'sliding' } }), trainer))!;
    expect(trainings.map((t) => t.train.samples)).toEqual([120 - 12, 120 - 12]);
    expect(result.folds.map((f) => f.trainStart)).toEqual([0, 12]);
  }, 300_000);

  it('is part of a run: result.refitBacktest beside the one-trained-model folds', async () => {
    const run = await trainAndEvaluate(settings({ refit: { origins: 2, horizon: 3 }, backtestFolds: 2 }), { runId: 'refit' });
    try {
      expect(run.result.refitBacktest?.trainings).toBe(2);
      expect(run.result.refitBacktest?.folds.map((f) => f.end)).toEqual([140, 143]);
      expect(run.result.backtest).toHaveLength(2);
    } finally {
      run.model.dispose();
    }
  }, 300_000);

  it('refuses origins that leave too few rows to train on, in one sentence', async () => {
    await expect(backtest(settings({ refit: { origins: 20, horizon: 6 } }), fusedTrainer)).rejects.toThrow(
      "The refit backtest's 20 origins of 6 steps leave 24 rows before the first origin; it needs at least 26. Use fewer origins, a shorter horizon or fewer time steps.",
    );
  });
});
