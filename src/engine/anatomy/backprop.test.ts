/**
 * Backpropagation through time by hand (float64) against tfjs's own gradients (tf.variableGrads) and its Adam
 * step (tf.train.adam), for the tutorial's network shape with every activation a run can use.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AnatomyReportSchema, type AnatomyBackprop } from '../../contract/anatomy.js';
import { computeAnatomy, explainModel } from './compute-anatomy.js';

tf.enableProdMode();

function simpleRnnModel(units: number, timeSteps: number, features: number, activation: string, outputActivation: string, outputs: number, seed: number) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units, activation: activation as 'tanh', inputShape: [timeSteps, features] }));
  model.add(tf.layers.dense({ units: outputs, activation: outputActivation as 'tanh' }));
  model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.8, 0.8, 'float32', seed + i)));
  return model;
}

const maxAbs = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));
const sumRows = (terms: number[][][]) => terms[0].map((row, i) => row.map((_, j) => terms.reduce((s, t) => s + t[i][j], 0)));

describe('backpropagation through time by hand', () => {
  for (const [activation, outputActivation, features, outputs] of [
    ['linear', 'linear', 1, 1],
    ['tanh', 'tanh', 1, 1],
    ['relu', 'linear', 3, 2],
    ['sigmoid', 'sigmoid', 2, 1],
  ] as const) {
    it(`equals tfjs's gradients and Adam step to 1e-5: SimpleRNN(3, ${activation}) → Dense(${outputs}, ${outputActivation}), ${features} feature(s)`, () => {
      const timeSteps = 5;
      const model = simpleRnnModel(3, timeSteps, features, activation, outputActivation, outputs, 11);
      const input = Array.from({ length: timeSteps * features }, (_, i) => Math.sin(i + 1) * 0.9);
      const target = Array.from({ length: outputs }, (_, k) => 0.3 - 0.2 * k);
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      const report = explainModel(model, input, { source: 'demo', bundleDir: null, seed: null, inputSource: 'test', notes: [], target, learningRate: 0.01 });
      AnatomyReportSchema.parse(report);
      const bp = report.backprop as AnatomyBackprop;
      expect(bp).not.toBeNull();

      // Every gradient equals tfjs's.
      for (const g of bp.gradients) {
        const theirs = bp.tfjs.gradients.find((t) => t.name === g.name)!;
        expect(maxAbs(g.rows, theirs.rows), g.name).toBeLessThan(1e-5);
      }
      expect(bp.tfjs.matches).toBe(true);
      // The loss is the MSE of the hand prediction, which is the model's.
      const predicted = Array.from((model.predict(tf.tensor3d(input, [1, timeSteps, features])) as tf.Tensor).dataSync());
      predicted.forEach((p, k) => expect(bp.prediction[k]).toBeCloseTo(p, 5));
      const tfjsLoss = predicted.reduce((s, p, k) => s + (p - target[k]) ** 2, 0) / outputs;
      expect(Math.abs(bp.loss - tfjsLoss) / Math.max(1, tfjsLoss)).toBeLessThan(1e-6);
      // The steps run from T down to 1, and each recurrent gradient is the sum of its per-step terms.
      expect(bp.steps.map((s) => s.t)).toEqual([5, 4, 3, 2, 1]);
      for (const g of bp.gradients.filter((x) => x.perStep.length)) expect(maxAbs(sumRows(g.perStep.map((s) => s.rows)), g.rows)).toBeLessThan(1e-12);
      // What flows from step t to t-1 is what step t-1 starts with.
      for (let k = 0; k + 1 < bp.steps.length; k++) expect(bp.steps[k + 1].dLdh).toEqual(bp.steps[k].dLdhPrevious);
      // One Adam step equals tfjs's, and the model itself is left untouched.
      expect(bp.adam.matches).toBe(true);
      expect(bp.adam.tfjsMaxAbsoluteDifference).toBeLessThan(1e-5);
      model.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(before[i]));
      model.dispose();
    });
  }

  it("is part of the demo's report with the next counting value as target, and absent for an LSTM with a note", async () => {
    const demo = await computeAnatomy({ seed: 3 });
    expect(demo.backprop?.target).toEqual([4]);
    expect(demo.backprop?.tfjs.matches).toBe(true);
    const lstm = await computeAnatomy({ cell: 'lstm', seed: 3 });
    expect(lstm.backprop).toBeNull();
    expect(lstm.notes.join(' ')).toMatch(/one SimpleRNN layer/);
  });
});
