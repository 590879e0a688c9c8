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
import type { RunEvent } from '../../contract/run-events.js';
import type { Windows } from '../data/windows.js';
import { calendarValues } from '../data/calendar-features.js';
import { loadSeries } from '../data/load-series.js';
import { prepareData } from '../data/prepare.js';
import { fusedTrainer } from '../train/fused-trainer.js';
import { tfjsTrainer } from '../train/tfjs-trainer.js';
import type { Trainer, TrainOutcome, TrainRequest } from '../train/trainer.js';
import { runForecast, trainAndEvaluate } from '../run.js';
import { maseScale } from './metrics.js';
import { refitFolds } from '../../contract/window-plan.js';
import { refitBacktest } from './refit-backtest.js';

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

async function backtest(config: ReturnType<typeof settings>, trainer: Trainer, warnings: string[] = [], signal?: AbortSignal) {
  const series = await loadSeries(config.data);
  const prepared = prepareData(series, config.prep);
  const scale = { scaled: maseScale(prepared.target.scaled.subarray(0, prepared.splitIndex), 1), original: maseScale(series.features[0].subarray(0, prepared.splitIndex), 1) };
  return refitBacktest({ config, series, seasonLength: 12, basis: { prepared, series, scale }, trainer, warnings, signal });
}

/**
 * The real tfjs trainer, pressing Stop (aborting `controller`) when training number `training` (1-based)
 * finishes epoch `epoch`; it counts the mini-batches each training runs after Stop and keeps every outcome.
 */
function stoppingTrainer(controller: AbortController, at: { training: number; epoch: number }) {
  const outcomes: TrainOutcome[] = [];
  const batchesAfterStop: number[] = [];
  const trainer: Trainer = {
    ...tfjsTrainer,
    train: async (request) => {
      const index = batchesAfterStop.length;
      batchesAfterStop.push(0);
      const { model } = request;
      const trainOnBatch = model.trainOnBatch.bind(model);
      model.trainOnBatch = (x, y) => {
        if (controller.signal.aborted) batchesAfterStop[index]++;
        return trainOnBatch(x, y);
      };
      const onEpoch = (record: { epoch: number }) => {
        if (index + 1 === at.training && record.epoch === at.epoch) controller.abort();
      };
      const outcome = await tfjsTrainer.train({ ...request, progress: { ...request.progress, onEpoch } });
      outcomes.push(outcome);
      return outcome;
    },
  };
  return { trainer, outcomes, batchesAfterStop };
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

  it('with an input column and a horizon the head gives at once: each fold forecasts from its origin, no input needed past it', async () => {
    const { trainer, trainings } = countingTrainer();
    const config = parseRunConfig({
      ...settings({}),
      data: { path: resolve('resources/datasets/eu-stock-markets.csv'), column: 'DAX', inputColumns: ['SMI'] },
      evaluation: { refit: { origins: 2, horizon: 1 } },
    });
    const result = RefitBacktestSchema.parse(await backtest(config, trainer));
    expect(trainings).toHaveLength(2);
    // Two features in every fold's windows: the target and SMI.
    expect(trainings.map((t) => t.train.features)).toEqual([2, 2]);
    expect(result.folds.map((f) => [f.start, f.end])).toEqual([
      [1858, 1858],
      [1859, 1859],
    ]);
    for (const fold of result.folds) {
      expect(fold.network.count).toBe(1);
      expect(Number.isFinite(fold.network.original.rmse)).toBe(true);
    }
  }, 300_000);

  it('refuses origins that leave too few rows to train on, in one sentence', async () => {
    await expect(backtest(settings({ refit: { origins: 20, horizon: 6 } }), fusedTrainer)).rejects.toThrow(
      "The refit backtest's 20 origins of 6 steps leave 24 rows before the first origin; it needs at least 26. Use fewer origins, a shorter horizon or fewer time steps.",
    );
  });

  it('is refused before training, in the same sentence, when the run is started with too many origins', async () => {
    const events: RunEvent[] = [];
    const config = settings({ refit: { origins: 20, horizon: 6 } });
    await expect(runForecast(config, { onEvent: (e) => events.push(e) })).rejects.toThrow(
      "The refit backtest's 20 origins of 6 steps leave 24 rows before the first origin; it needs at least 26. Use fewer origins, a shorter horizon or fewer time steps.",
    );
    // Nothing was trained: no 'started', no epoch.
    expect(events).toEqual([]);
  });

  it('Stop during a fold ends its training within one batch and the backtest with it: the finished folds, marked stopped', async () => {
    const controller = new AbortController();
    // Stop as the second of 3 trainings finishes its first epoch (of 5).
    const { trainer, outcomes, batchesAfterStop } = stoppingTrainer(controller, { training: 2, epoch: 1 });
    const warnings: string[] = [];
    const config = settings({ refit: { origins: 3, horizon: 6 } });
    const result = RefitBacktestSchema.parse(
      await backtest({ ...config, training: { ...config.training, epochs: 5 }, trainer: 'tfjs' }, trainer, warnings, controller.signal),
    );
    // Training 1 ran its 5 epochs; training 2 stopped at the first batch after Stop (none ran); there was no training 3.
    expect(outcomes.map((o) => [o.stopReason, o.history.length])).toEqual([
      ['completed', 5],
      ['user', 1],
    ]);
    expect(batchesAfterStop).toEqual([0, 0]);
    expect(result).toMatchObject({ trainings: 2, origins: 3, stopped: true });
    expect(result.folds.map((f) => f.fold)).toEqual([1]);
    expect(warnings).toContain('The refit backtest was stopped by the user after 1 of 3 origins: its table shows only those 1, not the whole backtest.');
  }, 300_000);

  it('Stop before its first fold finishes leaves no refit backtest, and says so', async () => {
    const controller = new AbortController();
    const { trainer, outcomes } = stoppingTrainer(controller, { training: 1, epoch: 1 });
    const warnings: string[] = [];
    const config = settings({ refit: { origins: 2, horizon: 6 } });
    expect(await backtest({ ...config, training: { ...config.training, epochs: 3 } }, trainer, warnings, controller.signal)).toBeNull();
    expect(outcomes.map((o) => o.stopReason)).toEqual(['user']);
    expect(warnings).toEqual(['No refit backtest: it was stopped by the user during the training at its first of 2 origins.']);
    // Stopped before it began (Stop during the run's own training): no training at all.
    const none: string[] = [];
    expect(await backtest(config, trainer, none, controller.signal)).toBeNull();
    expect(outcomes).toHaveLength(1);
    expect(none).toEqual(['No refit backtest: the run was stopped by the user before its 2 extra trainings began.']);
  }, 300_000);

  it('with calendar features: each fold recurses with the month sin/cos of its forecast rows, from the time labels', async () => {
    const windows: Windows[][] = [];
    const recording: Trainer = {
      ...fusedTrainer,
      predictor: (model, spec) => {
        const fold: Windows[] = [];
        windows.push(fold);
        const predict = fusedTrainer.predictor(model, spec);
        return (w) => (fold.push(w), predict(w));
      },
    };
    const config = settings({ refit: { origins: 2, horizon: 6 } });
    const calendar = { ...config, data: { ...config.data, calendarFeatures: ['month' as const] } };
    const warnings: string[] = [];
    const result = RefitBacktestSchema.parse(await backtest(calendar, recording, warnings));
    expect(warnings.filter((w) => /No refit backtest|stopped|input columns/.test(w))).toEqual([]);
    expect(result.folds.map((f) => [f.start, f.end])).toEqual([
      [132, 137],
      [138, 143],
    ]);
    const series = await loadSeries(calendar.data);
    result.folds.forEach((fold, j) => {
      expect(fold.network.count).toBe(6);
      expect(Number.isFinite(fold.network.original.rmse)).toBe(true);
      // One window per step (a 1-unit head); window k ends with row origin + k, whose sin/cos are known from its label.
      // The fold's scaler maps sin and cos of whole years of months, -1..1, to 0..1.
      const seen = windows[j];
      expect(seen).toHaveLength(6);
      seen.forEach((w, k) => {
        expect(w.features).toBe(3);
        const row = fold.origin + k;
        const [sin, cos] = calendarValues(['month'], Date.parse(`${series.time![row]}-01T00:00:00Z`));
        const last = (w.timeSteps - 1) * w.features;
        expect(w.x[last + 1]).toBeCloseTo((sin + 1) / 2, 5);
        expect(w.x[last + 2]).toBeCloseTo((cos + 1) / 2, 5);
      });
    });
  }, 300_000);
});
