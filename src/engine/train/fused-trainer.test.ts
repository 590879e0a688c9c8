/**
 * The fused trainer on real data and real models: the tutorial against the tfjs loop on the same seeds, and
 * the loop's semantics (seeded repeatability, Stop, early stopping with restore-best, checkpoints, the
 * divergence stop, the weights handed back to tfjs and the fused predictor).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, parseRunConfig, type ModelSpec, type TrainingSpec } from '../../contract/run-config.js';
import type { EpochRecord } from '../../contract/run-result.js';
import { fileSystemLoader, fileSystemSaver } from '../bundle/fs-io.js';
import { bundledDatasetPath } from '../data/bundled-datasets.js';
import { loadSeries } from '../data/load-series.js';
import { prepareData } from '../data/prepare.js';
import { makeWindows, type Windows } from '../data/windows.js';
import { buildModel } from '../model/build.js';
import { fusedTrainer } from './fused-trainer.js';
import { seededRandom } from './random.js';
// The tfjs loop the fused one is compared with.
import { tfjsPredictor, tfjsTrainer } from './tfjs-trainer.js';
import { recurrentModel } from '../model/test-support/model-spec.js';

function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(s / actual.length);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('the tutorial on both trainers', async () => {
  const config = parseRunConfig({ data: { path: bundledDatasetPath('sunspots.csv') } });
  const prepared = prepareData(await loadSeries(config.data), config.prep);
  const { train, test } = prepared;
  const training = (seed: number) => ({ ...config.training, seed });
  const fused: number[] = [];
  const tfjs: number[] = [];

  // One test per seed: the tfjs loop takes tens of seconds for the tutorial on a busy machine.
  it.each([1, 2, 3, 4, 5])('seed %i trains on both paths', async (seed) => {
    const a = buildModel(config.model, { timeSteps: train.timeSteps, features: train.features, seed });
    await fusedTrainer.train({ model: a, spec: config.model, train, validation: null, training: training(seed) });
    fused.push(rmse(fusedTrainer.predictor(a, config.model)(test), test.y));
    a.dispose();
    const b = buildModel(config.model, { timeSteps: train.timeSteps, features: train.features, seed });
    await tfjsTrainer.train({ model: b, spec: config.model, train, validation: null, training: training(seed) });
    tfjs.push(rmse(tfjsPredictor(b)(test), test.y));
    b.dispose();
  }, 600_000);

  it('gives test RMSE medians within 10 %, each run beating the mean baseline', () => {
    expect(fused).toHaveLength(5);
    expect(tfjs).toHaveLength(5);
    const trainMean = prepared.scaled[0].subarray(0, prepared.splitIndex).reduce((a, b) => a + b, 0) / prepared.splitIndex;
    const meanRmse = rmse(Array.from(test.y, () => trainMean), test.y);
    for (const value of [...fused, ...tfjs]) expect(value).toBeLessThan(meanRmse);
    expect(Math.abs(median(fused) - median(tfjs)) / median(tfjs)).toBeLessThanOrEqual(0.1);
  });
});

/** Windows of a noisy sine (feature 0) and a second, noisy feature. */
function sineWindows(rows: number, timeSteps: number, horizon = 1, scale = 1): Windows {
  const random = seededRandom(21);
  const a = Float64Array.from({ length: rows }, (_, i) => scale * (0.5 + 0.4 * Math.sin((2 * Math.PI * i) / 12) + 0.05 * random()));
  const b = Float64Array.from({ length: rows }, () => scale * random());
  return makeWindows([a, b], a, { timeSteps, windowing: 'sliding', horizon });
}

const LSTM_SPEC = recurrentModel({
  layers: [
    { type: 'lstm', units: 6, activation: 'tanh', dropout: 0.2 },
    { type: 'gru', units: 4, activation: 'tanh', dropout: 0 },
  ],
  outputActivation: 'linear',
  outputUnits: 2,
});

function trainingSpec(overrides: Partial<TrainingSpec> = {}): TrainingSpec & { seed: number } {
  return { epochs: 4, batchSize: 16, optimizer: 'adam', learningRate: 0.01, shuffle: true, earlyStoppingPatience: 0, ...overrides, seed: overrides.seed ?? 7 };
}

function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

async function run(spec: ModelSpec, train: Windows, validation: Windows | null, training: TrainingSpec & { seed: number }, extra = {}) {
  const model = buildModel(spec, { timeSteps: train.timeSteps, features: train.features, seed: training.seed });
  const outcome = await fusedTrainer.train({ model, spec, train, validation, training, ...extra });
  return { model, outcome };
}

describe('the fused training loop', () => {
  const all = sineWindows(200, 6, 2);
  const train: Windows = { ...all, x: all.x.slice(0, 150 * 12), y: all.y.slice(0, 300), targetIndex: all.targetIndex.slice(0, 150), samples: 150 };
  const validation: Windows = { ...all, x: all.x.slice(150 * 12), y: all.y.slice(300), targetIndex: all.targetIndex.slice(150), samples: all.samples - 150 };

  it('supports every spec and repeats a seeded run (with dropout) exactly; the model holds the result', async () => {
    expect(fusedTrainer.unsupportedReason(LSTM_SPEC)).toBeNull();
    const a = await run(LSTM_SPEC, train, validation, trainingSpec());
    const b = await run(LSTM_SPEC, train, validation, trainingSpec());
    const c = await run({ ...LSTM_SPEC, layers: LSTM_SPEC.layers.map((l) => ({ ...l, dropout: 0 })) }, train, validation, trainingSpec());
    expect(a.outcome.history.map((h) => h.loss)).toEqual(b.outcome.history.map((h) => h.loss));
    expect(a.outcome.history.map((h) => h.loss)).not.toEqual(c.outcome.history.map((h) => h.loss));
    expect(a.outcome).toMatchObject({ stopReason: 'completed', bestEpoch: 4 });
    expect(a.outcome.history.at(-1)!.loss).toBeLessThan(a.outcome.history[0].loss);
    // The weights went back into tfjs: its predictions equal the fused predictor's, and the last validation loss.
    const tfjsPredictions = (a.model.predict(tf.tensor3d(validation.x, [validation.samples, 6, 2])) as tf.Tensor).dataSync();
    const fusedPredictions = fusedTrainer.predictor(a.model, LSTM_SPEC)(validation);
    for (let i = 0; i < tfjsPredictions.length; i++) expect(Math.abs(fusedPredictions[i] - tfjsPredictions[i])).toBeLessThan(1e-5);
    expect(rmse(tfjsPredictions, validation.y) ** 2).toBeCloseTo(a.outcome.history.at(-1)!.valLoss!, 5);
    for (const m of [a.model, b.model, c.model]) m.dispose();
  });

  it('leaves a model that saves and reloads in plain tfjs with identical predictions', async () => {
    const { model } = await run(LSTM_SPEC, train, validation, trainingSpec({ epochs: 2 }));
    const folder = mkdtempSync(join(tmpdir(), 'fw-fused-'));
    await model.save(fileSystemSaver(folder));
    const reloaded = await tf.loadLayersModel(fileSystemLoader(folder));
    const x = tf.tensor3d(validation.x, [validation.samples, 6, 2]);
    const before = (model.predict(x) as tf.Tensor).dataSync();
    const after = (reloaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    const fused = fusedTrainer.predictor(reloaded, LSTM_SPEC)(validation);
    for (let i = 0; i < after.length; i++) expect(Math.abs(fused[i] - after[i])).toBeLessThan(1e-5);
    tf.dispose(x);
    model.dispose();
    reloaded.dispose();
  });

  it('stops early and restores the weights of the best epoch', async () => {
    const { model, outcome } = await run(LSTM_SPEC, train, validation, trainingSpec({ epochs: 200, learningRate: 0.05, earlyStoppingPatience: 2 }));
    expect(outcome.stopReason).toBe('early-stopping');
    const losses = outcome.history.map((h) => h.valLoss!);
    expect(outcome.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    expect(outcome.history.length).toBe(outcome.bestEpoch + 2);
    const predicted = fusedTrainer.predictor(model, LSTM_SPEC)(validation);
    expect(rmse(predicted, validation.y) ** 2).toBeCloseTo(losses[outcome.bestEpoch - 1], 6);
    model.dispose();
  });

  it('on Stop keeps the last finished epoch', async () => {
    const controller = new AbortController();
    let afterFirst: number[] = [];
    const { model, outcome } = await run(LSTM_SPEC, train, validation, trainingSpec({ epochs: 50 }), {
      signal: controller.signal,
      progress: {
        onEpoch(record: EpochRecord) {
          if (record.epoch === 2) controller.abort();
        },
      },
      checkpoint: {
        due: () => true,
        async save(m: tf.LayersModel, history: readonly EpochRecord[]) {
          if (history.length === 1) afterFirst = weightsOf(m);
          if (history.length === 2) afterFirst = [...afterFirst, ...weightsOf(m)];
        },
      },
    });
    expect(outcome.stopReason).toBe('user');
    expect(outcome.history).toHaveLength(2);
    expect(outcome.bestEpoch).toBe(2);
    const w = weightsOf(model);
    expect(afterFirst.slice(w.length)).toEqual(w);
    expect(afterFirst.slice(0, w.length)).not.toEqual(w);
    model.dispose();
  });

  it('sees Stop within an epoch, between batches', async () => {
    const big = sineWindows(4000, 24);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const spec = recurrentModel({ layers: [{ type: 'lstm', units: 32, activation: 'tanh', dropout: 0 }], outputActivation: 'linear', outputUnits: 1 });
    const batchesSeen: number[] = [];
    const { model, outcome } = await run(spec, big, null, trainingSpec({ epochs: 1000, batchSize: 4 }), {
      signal: controller.signal,
      progress: { onBatch: (_e: number, batch: number) => batchesSeen.push(batch) },
    });
    expect(outcome.stopReason).toBe('user');
    expect(outcome.history.length).toBeLessThan(1000);
    model.dispose();
  });

  it('stops a diverging run with one sentence and keeps the last finished weights', async () => {
    const wild = sineWindows(120, 6, 1, 1e4);
    const spec = recurrentModel({ layers: [{ type: 'simpleRNN', units: 4, activation: 'relu', dropout: 0 }], outputActivation: 'linear', outputUnits: 1 });
    const model = buildModel(spec, { timeSteps: 6, features: 2, seed: 3 });
    const initial = weightsOf(model);
    const failure = fusedTrainer.train({ model, spec, train: wild, validation: null, training: trainingSpec({ optimizer: 'sgd', learningRate: 10, epochs: 5 }) });
    await expect(failure).rejects.toThrow(InvalidInputError);
    await expect(failure).rejects.toThrow(/^The loss became (NaN|infinite) in epoch 1: training diverged\. Lower the learning rate/);
    expect(weightsOf(model)).toEqual(initial);
    model.dispose();
  });
});
