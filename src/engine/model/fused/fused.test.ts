/**
 * The fused kernel against TensorFlow.js on the same models, weights and data: forward outputs
 * (model.predict), loss gradients (tf.variableGrads) and optimizer steps (trainOnBatch) for every cell type.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Activation, ModelSpec, OptimizerName, RecurrentLayerType } from '../../../contract/run-config.js';
import { seededRandom } from '../../train/random.js';
import { buildModel, makeOptimizer } from '../build.js';
import { FusedNetwork, makeFusedOptimizer, planNetwork, readWeights, simdAvailable } from './index.js';
import { recurrentModel } from '../test-support/model-spec.js';

const TIME_STEPS = 5;
const SAMPLES = 7;

interface Case {
  cell: RecurrentLayerType;
  depth: number;
  features: number;
  horizon: number;
}

const CASES: Case[] = (['simpleRNN', 'lstm', 'gru'] as const).flatMap((cell) =>
  [1, 2].flatMap((depth) => [1, 5].flatMap((features) => [1, 3].map((horizon) => ({ cell, depth, features, horizon })))),
);

/** Activations vary from case to case so that every one of them is exercised in layers and heads. */
const ACTS: Activation[] = ['tanh', 'relu', 'sigmoid', 'linear'];

function specFor({ cell, depth, horizon }: Case, index: number): ModelSpec {
  return recurrentModel({
    layers: Array.from({ length: depth }, (_, i) => ({ type: cell, units: i === 0 ? 4 : 3, activation: ACTS[(index + i) % 4], dropout: 0 })),
    outputActivation: ACTS[(index + 1) % 4],
    outputUnits: horizon,
  });
}

/** A model with random weights (biases too) and random windows. */
function setup(c: Case, index: number, simd: boolean) {
  const spec = specFor(c, index);
  const model = buildModel(spec, { timeSteps: TIME_STEPS, features: c.features, seed: 3 + index });
  const random = seededRandom(100 + index);
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => (random() - 0.5) * 1.6), w.shape)));
  const x = Float32Array.from({ length: SAMPLES * TIME_STEPS * c.features }, () => random());
  const y = Float32Array.from({ length: SAMPLES * c.horizon }, () => random());
  const plan = planNetwork(spec, TIME_STEPS, c.features);
  const network = new FusedNetwork(plan, SAMPLES, true, simd);
  expect(network.kernel).toBe(simd ? 'wasm-simd' : 'typescript');
  network.params.set(readWeights(model, plan));
  const xt = tf.tensor3d(x, [SAMPLES, TIME_STEPS, c.features]);
  const yt = tf.tensor2d(y, [SAMPLES, c.horizon]);
  return { spec, model, network, x, y, xt, yt };
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, relative = false): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = relative ? Math.max(1, Math.abs(expected[i])) : 1;
    const error = Math.abs(actual[i] - expected[i]) / scale;
    if (!(error <= tolerance)) expect.fail(`element ${i}: ${actual[i]} vs tfjs ${expected[i]} (error ${error})`);
  }
}

const label = (c: Case) => `${c.cell} x${c.depth}, ${c.features} feature(s), horizon ${c.horizon}`;

it('has WebAssembly SIMD on this runtime', () => {
  expect(simdAvailable()).toBe(true);
});

it('says in one sentence when a network would need too much memory', () => {
  const spec = recurrentModel({ layers: [{ type: 'lstm', units: 512, activation: 'tanh', dropout: 0 }], outputActivation: 'linear', outputUnits: 1 });
  expect(() => new FusedNetwork(planNetwork(spec, 1000, 1), 4096)).toThrow(/^The fused kernel would need [\d.]+ GB of buffers for batches of 4096 windows of 1000 time steps/);
});

describe.each([
  ['WebAssembly SIMD', true],
  ['TypeScript', false],
])('fused kernel (%s product) equals tfjs', (_kernel, simd) => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))('%s: forward and gradients', (_label, c, index) => {
    const { model, network, x, y, xt, yt } = setup(c, index, simd);
    const expected = (model.predict(xt) as tf.Tensor).dataSync();
    close(network.forward(x, null, 0, SAMPLES, null).subarray(0, SAMPLES * c.horizon), expected, 1e-5);

    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(yt, model.apply(xt, { training: true }) as tf.Tensor) as tf.Scalar, variables);
    network.forward(x, null, 0, SAMPLES, () => 0.5);
    const loss = network.backward(y, null, 0);
    expect(Math.abs(loss - value.dataSync()[0])).toBeLessThan(1e-5);
    let offset = 0;
    for (const v of variables) {
      const g = grads[v.name].dataSync();
      const gradientNorm = Math.max(...Array.from(g, Math.abs), 1e-3);
      // 1e-4 relative to the tensor's largest gradient (float32 tfjs against float64 here).
      close(
        Array.from(network.grads.subarray(offset, offset + g.length), (v) => v / gradientNorm),
        Array.from(g, (v) => v / gradientNorm),
        1e-4,
      );
      offset += g.length;
    }
    expect(offset).toBe(network.params.length);
    tf.dispose([value, ...Object.values(grads), xt, yt]);
    model.dispose();
  });

  it.each(
    (['adam', 'rmsprop', 'sgd'] as OptimizerName[]).flatMap((optimizer) =>
      CASES.map((c, i) => [`${optimizer}, ${label(c)}`, optimizer, c, i] as const),
    ),
  )('%s: two optimizer steps give tfjs weights', async (_label, optimizer, c, index) => {
    const { model, network, x, y, xt, yt } = setup(c, index, simd);
    model.compile({ loss: 'meanSquaredError', optimizer: makeOptimizer(optimizer, 0.01) });
    const fused = makeFusedOptimizer(optimizer, 0.01, network.params.length);
    for (let step = 0; step < 2; step++) {
      await model.trainOnBatch(xt, yt);
      network.forward(x, null, 0, SAMPLES, () => 0.5);
      network.backward(y, null, 0);
      fused.step(network.params, network.grads);
    }
    const expected = new Float64Array(network.params.length);
    let offset = 0;
    for (const w of model.getWeights()) {
      expected.set(w.dataSync(), offset);
      offset += w.size;
    }
    close(network.params, expected, 1e-5);
    tf.dispose([xt, yt]);
    model.dispose();
  });
});
