import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../contract/run-config.js';
import { loadSeries } from '../data/load-series.js';
import { prepareData } from '../data/prepare.js';
import { buildModel } from '../model/build.js';
import { runForecast } from '../run.js';
import { seededRandom } from './random.js';
import { evaluateLoss, tfjsTrainer, toTensors } from './tfjs-trainer.js';
import { recurrentModel } from '../model/test-support/model-spec.js';

/** A small CSV the tests write: a noisy sine, or pure noise. */
function writeSeries(kind: 'sine' | 'noise', rows = 240): string {
  const random = seededRandom(11);
  const lines = ['t,value'];
  for (let i = 0; i < rows; i++) {
    const v = kind === 'sine' ? Math.sin((2 * Math.PI * i) / 12) + 0.1 * random() : random();
    lines.push(`${i},${v.toFixed(6)}`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'fw-train-')), `${kind}.csv`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('recurrent layer types and stacks, trained for real', () => {
  const sine = writeSeries('sine');
  it.each([
    ['simpleRNN', 1],
    ['lstm', 1],
    ['gru', 1],
    ['lstm', 2],
    ['gru', 3],
  ] as const)('%s x%i learns a sine better than the mean', async (type, depth) => {
    const result = await runForecast({
      data: { path: sine },
      prep: { timeSteps: 12, windowing: 'sliding' },
      model: { layers: Array.from({ length: depth }, () => ({ type, units: 8 })), outputActivation: 'linear' },
      training: { epochs: 8, batchSize: 16, learningRate: 0.01, seed: 5 },
    });
    expect(result.history).toHaveLength(8);
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0].loss);
    const mean = result.baselines.find((b) => b.name === 'mean')!;
    expect(result.metrics.test.rmse).toBeLessThan(mean.test.rmse);
  });

  it('stacks return sequences between layers and counts parameters like Keras', () => {
    const model = buildModel(
      recurrentModel({ layers: [{ type: 'lstm', units: 4, activation: 'tanh', dropout: 0.1 }, { type: 'gru', units: 2, activation: 'tanh', dropout: 0 }], outputActivation: 'linear', outputUnits: 3 }),
      { timeSteps: 5, features: 2, seed: 1 },
    );
    // LSTM: 4 * (2*4 + 4*4 + 4) = 112; GRU (tfjs, reset_after false): 3 * (4*2 + 2*2 + 2) = 42; Dense: 2*3 + 3 = 9.
    expect(model.countParams()).toBe(112 + 42 + 9);
    expect(model.outputs[0].shape).toEqual([null, 3]);
    model.dispose();
  });

  it('gives identical starting weights for the same seed and different ones for another', () => {
    const spec = recurrentModel({ layers: [{ type: 'simpleRNN' as const, units: 3, activation: 'tanh' as const, dropout: 0 }], outputActivation: 'tanh' as const, outputUnits: 1 });
    const weights = (seed: number) => {
      const m = buildModel(spec, { timeSteps: 12, features: 1, seed });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('repeats a seeded run with dropout exactly', async () => {
    const config = {
      data: { path: sine },
      model: { layers: [{ type: 'lstm' as const, units: 4, dropout: 0.3 }] },
      training: { epochs: 3, batchSize: 8, seed: 9 },
    };
    const a = await runForecast(config);
    const b = await runForecast(config);
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(b.predictions.map((p) => p.predicted)).toEqual(a.predictions.map((p) => p.predicted));
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch\'s weights', async () => {
    const config = parseRunConfig({
      data: { path: writeSeries('noise', 400) },
      prep: { timeSteps: 4, windowing: 'sliding', validationFraction: 0.3 },
      model: { layers: [{ type: 'simpleRNN', units: 16 }], outputActivation: 'linear' },
      training: { epochs: 60, batchSize: 8, learningRate: 0.02, seed: 2, earlyStoppingPatience: 3 },
    });
    const prepared = prepareData(await loadSeries(config.data), config.prep);
    const model = buildModel(config.model, { timeSteps: 4, features: 1, seed: 2 });
    const outcome = await tfjsTrainer.train({
      model,
      spec: config.model,
      train: prepared.train,
      validation: prepared.validation,
      training: { ...config.training, seed: 2 },
    });

    expect(outcome.stopReason).toBe('early-stopping');
    const valLosses = outcome.history.map((h) => h.valLoss!);
    const best = valLosses.indexOf(Math.min(...valLosses)) + 1;
    expect(outcome.bestEpoch).toBe(best);
    expect(outcome.history).toHaveLength(best + 3);
    const val = toTensors(prepared.validation!);
    expect(evaluateLoss(model, val.x, val.y)).toBeCloseTo(valLosses[best - 1], 6);
    tf.dispose([val.x, val.y]);
    model.dispose();
  });
});

describe('dropout and divergence', () => {
  it('draws a new dropout mask for every batch (every unit behind the dropout gets trained)', async () => {
    const spec = recurrentModel({ layers: [{ type: 'simpleRNN' as const, units: 6, activation: 'tanh' as const, dropout: 0.5 }], outputActivation: 'linear' as const, outputUnits: 1 });
    const model = buildModel(spec, { timeSteps: 4, features: 1, seed: 7 });
    const dense = () => Array.from(model.getLayer('dense_output').getWeights()[0].dataSync());
    const before = dense();
    const x = Float32Array.from({ length: 40 * 4 }, (_, i) => Math.sin(i));
    const y = Float32Array.from({ length: 40 }, (_, i) => Math.cos(i));
    const windows = { x, y, targetIndex: [], samples: 40, timeSteps: 4, features: 1, horizon: 1 };
    const config = parseRunConfig({ data: { path: 'x' }, training: { epochs: 2, batchSize: 1, seed: 7, optimizer: 'sgd', learningRate: 0.1 } });
    await tfjsTrainer.train({ model, spec, train: windows, validation: null, training: config.training as never });
    const after = dense();
    expect(after.map((v, i) => v !== before[i])).toEqual([true, true, true, true, true, true]);
    model.dispose();
  });

  it('stops with a clear sentence when the loss diverges', async () => {
    await expect(
      runForecast({
        data: { path: writeSeries('sine') },
        model: { layers: [{ type: 'simpleRNN', units: 32, activation: 'relu' }], outputActivation: 'linear' },
        training: { epochs: 3, batchSize: 1, optimizer: 'sgd', learningRate: 10, seed: 1 },
        trainer: 'tfjs',
      }),
    ).rejects.toThrow(/The loss became (NaN|infinite) in epoch \d: training diverged/);
  });
});
