import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnatomyReportSchema } from '../../contract/anatomy.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { runForecast } from '../run.js';
import { computeAnatomy, explainModel } from './compute-anatomy.js';

tf.enableProdMode();

type Cell = 'simpleRNN' | 'lstm' | 'gru';
interface RecurrentSpec {
  cell: Cell;
  units: number;
  activation: string;
  recurrentActivation?: string;
}

function recurrentLayer(spec: RecurrentSpec, extra: Record<string, unknown>): tf.layers.Layer {
  const gates = spec.recurrentActivation ? { recurrentActivation: spec.recurrentActivation } : {};
  const args = { units: spec.units, activation: spec.activation, ...gates, ...extra } as Parameters<typeof tf.layers.lstm>[0];
  if (spec.cell === 'lstm') return tf.layers.lstm(args);
  if (spec.cell === 'gru') return tf.layers.gru(args);
  return tf.layers.simpleRNN(args);
}

/** A model with random (seeded) weights everywhere, biases included. */
function randomModel(layers: RecurrentSpec[], timeSteps: number, features: number, seed: number, outputActivation = 'linear', outputs = 1) {
  const model = tf.sequential();
  layers.forEach((spec, i) => {
    model.add(recurrentLayer(spec, { returnSequences: i < layers.length - 1, ...(i === 0 ? { inputShape: [timeSteps, features] } : {}) }));
    if (i < layers.length - 1) model.add(tf.layers.dropout({ rate: 0.3 }));
  });
  model.add(tf.layers.dense({ units: outputs, activation: outputActivation as 'linear' }));
  model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.9, 0.9, 'float32', seed + i)));
  return model;
}

function randomInput(n: number, seed: number): number[] {
  return Array.from(tf.randomUniform([n], -1.5, 1.5, 'float32', seed).dataSync());
}

/** tfjs's own hidden states h_1..h_T of the first recurrent layer, via a copy that returns sequences. */
function modelHiddenStates(model: tf.LayersModel, spec: RecurrentSpec, input: number[], timeSteps: number, features: number): number[][] {
  const probe = tf.sequential({ layers: [recurrentLayer(spec, { returnSequences: true, inputShape: [timeSteps, features] })] });
  probe.setWeights(model.layers[0].getWeights());
  const out = probe.predict(tf.tensor3d(input, [1, timeSteps, features])) as tf.Tensor;
  return (out.arraySync() as number[][][])[0];
}

const cases: { title: string; layers: RecurrentSpec[]; timeSteps: number; features: number; output?: string; outputs?: number }[] = [
  { title: 'SimpleRNN linear, 1 feature', layers: [{ cell: 'simpleRNN', units: 2, activation: 'linear' }], timeSteps: 3, features: 1 },
  { title: 'SimpleRNN tanh, 3 features, 4 units', layers: [{ cell: 'simpleRNN', units: 4, activation: 'tanh' }], timeSteps: 6, features: 3, output: 'tanh' },
  { title: 'LSTM tanh (hardSigmoid gates), 2 features', layers: [{ cell: 'lstm', units: 3, activation: 'tanh' }], timeSteps: 5, features: 2 },
  { title: 'LSTM relu with sigmoid gates', layers: [{ cell: 'lstm', units: 2, activation: 'relu', recurrentActivation: 'sigmoid' }], timeSteps: 4, features: 1, output: 'sigmoid' },
  { title: 'GRU tanh (hardSigmoid gates), 2 features', layers: [{ cell: 'gru', units: 3, activation: 'tanh' }], timeSteps: 5, features: 2 },
  { title: 'GRU linear with sigmoid gates, 2 outputs', layers: [{ cell: 'gru', units: 2, activation: 'linear', recurrentActivation: 'sigmoid' }], timeSteps: 4, features: 3, outputs: 2 },
];

describe('hand computation equals model.predict', () => {
  cases.forEach(({ title, layers, timeSteps, features, output, outputs }, k) => {
    it(title, () => {
      const model = randomModel(layers, timeSteps, features, 100 + 10 * k, output, outputs);
      const input = randomInput(timeSteps * features, 7 + k);
      const report = AnatomyReportSchema.parse(explainModel(model, input));
      expect(report.output.predict).toHaveLength(outputs ?? 1);
      report.output.byHand.forEach((v, i) => expect(Math.abs(v - report.output.predict[i])).toBeLessThan(1e-5));
      expect(report.output.matches).toBe(true);

      const tfjsStates = modelHiddenStates(model, layers[0], input, timeSteps, features);
      report.layers[0].steps.forEach((step, t) => step.h.forEach((v, j) => expect(Math.abs(v - tfjsStates[t][j])).toBeLessThan(1e-5)));
      expect(report.parameters.total).toBe(model.countParams());
      model.dispose();
    });
  });

  it('chains stacked layers (LSTM → GRU → SimpleRNN, dropout between)', () => {
    const layers: RecurrentSpec[] = [
      { cell: 'lstm', units: 3, activation: 'tanh' },
      { cell: 'gru', units: 2, activation: 'tanh' },
      { cell: 'simpleRNN', units: 2, activation: 'tanh' },
    ];
    const model = randomModel(layers, 4, 2, 500);
    const report = explainModel(model, randomInput(8, 3));
    expect(report.layers.map((l) => l.cell)).toEqual(['lstm', 'gru', 'simpleRNN']);
    expect(report.layers[1].steps[0].x).toEqual(report.layers[0].steps[0].h);
    expect(report.output.maxAbsoluteDifference).toBeLessThan(1e-5);
    expect(report.parameters.total).toBe(model.countParams());
    model.dispose();
  });
});

describe('the report', () => {
  it("reproduces the tutorial's demo: SimpleRNN(2, linear) + Dense(1, linear), 11 parameters, input 1,2,3", async () => {
    const report = await computeAnatomy({ seed: 3 });
    expect(report.summary).toBe('input (3, 1) → SimpleRNN(2, linear) → Dense(1, linear)');
    expect(report.parameters.total).toBe(11);
    expect(report.parameters.modelCount).toBe(11);
    expect(report.parameters.terms.map((t) => [t.substituted, t.count])).toEqual([
      ['2·1 + 2·2 + 2', 8],
      ['2·1 + 1', 3],
    ]);
    expect(report.input).toEqual([[1], [2], [3]]);
    const [wx, wh, bh] = report.layers[0].weights;
    expect([wx.name, wx.shape, wh.name, wh.shape, bh.name, bh.shape]).toEqual(['w_x', [1, 2], 'w_h', [2, 2], 'b_h', [2]]);
    expect(report.head[0].weights.map((w) => [w.name, w.shape])).toEqual([['w_y', [2, 1]], ['b_y', [1]]]);
    // h_1 = x_1·w_x with h_0 = 0 and zero bias: the first row of w_x.
    expect(report.layers[0].steps[0].h).toEqual(wx.rows[0].map((v) => 1 * v));
    expect(report.layers[0].steps).toHaveLength(3);
    expect(report.output.maxAbsoluteDifference).toBeLessThan(1e-5);
  });

  it('is the same for the same seed and reports the seed it used', async () => {
    const a = await computeAnatomy({ cell: 'gru', units: 2, seed: 42 });
    const b = await computeAnatomy({ cell: 'gru', units: 2, seed: 42 });
    expect(a.layers[0].weights.map((w) => w.rows)).toEqual(b.layers[0].weights.map((w) => w.rows));
    expect(a.seed).toBe(42);
    expect((await computeAnatomy({})).seed).toEqual(expect.any(Number));
  });

  it('counts LSTM and GRU parameters with their gate blocks and labels the kernel columns', async () => {
    const lstm = await computeAnatomy({ cell: 'lstm', units: 3, features: 2, timeSteps: 4, activation: 'tanh', seed: 1 });
    expect(lstm.parameters.terms[0]).toMatchObject({ formula: '4·(m·F + m·m + m)', substituted: '4·(3·2 + 3·3 + 3)', count: 72 });
    expect(lstm.parameters.total).toBe(76);
    expect(lstm.layers[0].weights[0].columnGroups.map((g) => g.label)).toEqual(['i', 'f', 'c̃', 'o']);
    expect(lstm.layers[0].steps[0].quantities.map((q) => q.symbol)).toEqual(['i_t', 'f_t', 'c̃_t', 'o_t', 'c_t', 'h_t']);
    expect(lstm.layers[0].steps[0].c).toHaveLength(3);
    const gru = await computeAnatomy({ cell: 'gru', units: 3, features: 2, timeSteps: 4, activation: 'tanh', seed: 1 });
    expect(gru.parameters.total).toBe(3 * (3 * 2 + 3 * 3 + 3) + 4);
    expect(gru.parameters.modelCount).toBe(gru.parameters.total);
    expect(gru.layers[0].steps[0].quantities.map((q) => q.symbol)).toEqual(['z_t', 'r_t', 'h̃_t', 'h_t']);
  });

  it('uses a typed input and rejects one of the wrong length in one sentence', async () => {
    const report = await computeAnatomy({ input: [0.5, -1, 2], seed: 5 });
    expect(report.input).toEqual([[0.5], [-1], [2]]);
    expect(report.inputSource).toMatch(/typed/);
    await expect(computeAnatomy({ input: [1, 2] })).rejects.toThrow(
      new InvalidInputError('The input has 2 values but the model reads 3 time steps × 1 feature = 3.'),
    );
    await expect(computeAnatomy({ units: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(computeAnatomy({ source: 'bundle' })).rejects.toThrow('Choose a bundle folder to explain a trained model.');
    await expect(computeAnatomy({ input: [1e300, 1e300, 1e300], seed: 1 })).rejects.toThrow(/beyond what float32 can hold/);
  });

  it('refuses a model it cannot explain', () => {
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [4, 1] }), tf.layers.flatten(), tf.layers.dense({ units: 1 })],
    });
    expect(() => explainModel(model, [1, 2, 3, 4])).toThrow(InvalidInputError);
    model.dispose();
  });
});

describe('a trained bundle folder', () => {
  let runsDir: string;
  let dir: string;
  let model: tf.LayersModel;

  beforeAll(async () => {
    // A real bundle of the tutorial's model on sunspots.csv (one epoch), whose weights are then replaced by
    // a random model of the same shape: its metadata.json passes the validation predict uses.
    runsDir = await mkdtemp(join(tmpdir(), 'anatomy-bundle-'));
    const csv = resolve('resources/datasets/sunspots.csv');
    const result = await runForecast({ data: { path: csv }, training: { epochs: 1, seed: 1 } }, { runsDir });
    dir = result.bundleDir!;
    await rm(join(dir, 'model.json'));
    await rm(join(dir, 'weights.bin'));
    model = randomModel([{ cell: 'simpleRNN', units: 3, activation: 'tanh' }], 12, 1, 900, 'tanh');
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightsFile = 'weights.bin';
        await writeFile(join(dir, weightsFile), Buffer.from(artifacts.weightData as ArrayBuffer));
        const modelJson = { modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }] };
        await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  });
  afterAll(async () => {
    model.dispose();
    await rm(runsDir, { recursive: true, force: true });
  });

  it('explains the saved model on the last test window of its data', async () => {
    const report = await computeAnatomy({ source: 'bundle', bundleDir: dir });
    expect(report.source).toBe('bundle');
    expect(report.timeSteps).toBe(12);
    expect(report.inputSource).toMatch(/last test window of sunspots\.csv/);
    expect(report.input.flat().every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(report.output.maxAbsoluteDifference).toBeLessThan(1e-5);
    const original = model.predict(tf.tensor3d(report.input.flat(), [1, 12, 1])) as tf.Tensor;
    expect(report.output.predict[0]).toBeCloseTo(original.dataSync()[0], 6);
  });

  it('explains it on a typed input even without metadata', async () => {
    await rm(join(dir, 'metadata.json'));
    const input = Array.from({ length: 12 }, (_, i) => i / 12);
    const report = await computeAnatomy({ source: 'bundle', bundleDir: dir, input });
    expect(report.output.matches).toBe(true);
    expect(report.notes.join(' ')).toMatch(/no readable metadata/);
    expect(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).format).toBe('layers-model');
  });

  it('says which file is missing', async () => {
    await expect(computeAnatomy({ source: 'bundle', bundleDir: join(dir, 'nope') })).rejects.toThrow(/The bundle has no model\.json/);
  });
});
