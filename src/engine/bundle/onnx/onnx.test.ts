/**
 * ONNX export checked by ONNX Runtime (onnxruntime-node, CPU): models built by the app's own builder and
 * trained for real on a real CSV, exported to model.onnx, loaded by ORT, and predicting the same windows
 * as TensorFlow.js to 1e-5 — for each cell type, for stacks of two layers and for multivariate inputs; the
 * bundle writer's model.onnx + preprocessing.json reproduce the run's own test predictions; a model ONNX
 * cannot express exactly is refused with a warning instead of being exported.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleMetadataSchema } from '../../../contract/bundles.js';
import { parseRunConfig, type LayerSpec, type RecurrentLayerType } from '../../../contract/run-config.js';
import { loadSeries } from '../../data/load-series.js';
import { prepareData } from '../../data/prepare.js';
import type { Windows } from '../../data/windows.js';
import { initBackend } from '../../model/backend.js';
import { buildModel } from '../../model/build.js';
import { tfjsPredictor, tfjsTrainer } from '../../train/tfjs-trainer.js';
import { writeRunBundle } from '../write.js';
import { tinyRun, writeSeriesCsv } from '../test-support/tiny-run.js';
import { OnnxExportUnsupported, modelToOnnx } from './export.js';
import { onnxPreprocessing, writeOnnxFiles, type OnnxPreprocessing } from './write-onnx.js';

const TOLERANCE = 1e-5;
let root: string;

beforeAll(async () => {
  await initBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'fw-onnx-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** ORT's predictions for windows [samples, T, F] (the model's scaled inputs). */
async function ortPredict(onnx: Uint8Array, w: Windows): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const input = new ort.Tensor('float32', Float32Array.from(w.x), [w.samples, w.timeSteps, w.features]);
    const out = await session.run({ [session.inputNames[0]!]: input });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

interface Case {
  layers: RecurrentLayerType[];
  inputColumns: string[];
  activation?: LayerSpec['activation'];
  outputActivation?: LayerSpec['activation'];
  outputUnits?: number;
}

/** A model from the app's builder, trained for two epochs on a real CSV; its test windows. */
async function trainedModel(name: string, c: Case): Promise<{ model: tf.LayersModel; test: Windows; all: Windows[] }> {
  const dir = await mkdtemp(join(root, `${name}-`));
  const csvPath = await writeSeriesCsv(dir, 'series.csv', 90, c.inputColumns);
  const config = parseRunConfig({
    data: { path: csvPath, column: 'Value', inputColumns: c.inputColumns, timeColumn: 'Month' },
    prep: { timeSteps: 6, windowing: 'sliding', validationFraction: 0 },
    model: {
      layers: c.layers.map((type, i) => ({ type, units: 5 - i, activation: c.activation ?? 'tanh', dropout: i === 0 && c.layers.length > 1 ? 0.1 : 0 })),
      outputActivation: c.outputActivation ?? 'tanh',
      outputUnits: c.outputUnits ?? 1,
    },
    training: { epochs: 2, batchSize: 8, seed: 11 },
    backend: 'cpu',
  });
  const series = await loadSeries(config.data);
  const prepared = prepareData(series, config.prep, config.model.outputUnits);
  const model = buildModel(config.model, { timeSteps: config.prep.timeSteps, features: series.features.length, seed: 11 });
  await tfjsTrainer.train({ model, spec: config.model, train: prepared.train, validation: null, training: { ...config.training, learningRate: 0.01, seed: 11 } });
  return { model, test: prepared.test, all: [prepared.train, prepared.test] };
}

const cases: Record<string, Case> = {
  'SimpleRNN': { layers: ['simpleRNN'], inputColumns: [] },
  'LSTM': { layers: ['lstm'], inputColumns: [] },
  'GRU': { layers: ['gru'], inputColumns: [] },
  'SimpleRNN stack of 2, multivariate': { layers: ['simpleRNN', 'simpleRNN'], inputColumns: ['A', 'B'] },
  'LSTM stack of 2 (with Dropout), multivariate, 3-step head': { layers: ['lstm', 'lstm'], inputColumns: ['A', 'B'], outputUnits: 3 },
  'GRU stack of 2, multivariate': { layers: ['gru', 'gru'], inputColumns: ['A'] },
  'LSTM then GRU, linear cells, linear head': { layers: ['lstm', 'gru'], inputColumns: ['A'], activation: 'linear', outputActivation: 'linear' },
  'GRU, relu cells, sigmoid head': { layers: ['gru'], inputColumns: [], activation: 'relu', outputActivation: 'sigmoid' },
  'SimpleRNN, sigmoid cells, relu head, multivariate': { layers: ['simpleRNN'], inputColumns: ['A', 'B', 'C'], activation: 'sigmoid', outputActivation: 'relu' },
};

describe('model.onnx predicts what TensorFlow.js predicts (ONNX Runtime, to 1e-5)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const { model, all } = await trainedModel(name.replace(/\W+/g, '-'), c);
      try {
        const onnx = modelToOnnx(model);
        for (const windows of all) {
          const expected = tfjsPredictor(model)(windows);
          const actual = await ortPredict(onnx, windows);
          expect(expected.length).toBe(windows.samples * (c.outputUnits ?? 1));
          expect(maxAbsDifference(actual, expected)).toBeLessThanOrEqual(TOLERANCE);
        }
      } finally {
        model.dispose();
      }
    });
  }

  it('every activation the exporter maps (beyond the app\'s own): softsign, softplus, sigmoid gates, no biases', async () => {
    const layersOf = (activation: string, recurrentActivation: string, head: string, useBias: boolean) => {
      const model = tf.sequential();
      const common = { units: 4, activation, useBias, biasInitializer: 'randomNormal' as const };
      model.add(tf.layers.lstm({ ...common, recurrentActivation, returnSequences: true, inputShape: [5, 2] } as never));
      model.add(tf.layers.gru({ ...common, recurrentActivation, returnSequences: true } as never));
      model.add(tf.layers.simpleRNN({ ...common } as never));
      model.add(tf.layers.dense({ units: 2, activation: head, useBias, biasInitializer: 'randomNormal' } as never));
      return model;
    };
    const x = tf.randomNormal([9, 5, 2], 0, 2, 'float32', 3);
    const windows = { x: x.dataSync() as Float32Array, samples: 9, timeSteps: 5, features: 2 } as unknown as Windows;
    for (const [activation, recurrent, head, useBias] of [
      ['softsign', 'sigmoid', 'softplus', true],
      ['softplus', 'hardSigmoid', 'softsign', false],
      ['relu', 'sigmoid', 'linear', true],
      ['linear', 'sigmoid', 'tanh', true], // Affine after an activation without alpha/beta: values consumed in order
    ] as const) {
      const model = layersOf(activation, recurrent, head, useBias);
      const expected = (model.predict(x) as tf.Tensor).dataSync();
      expect(maxAbsDifference(await ortPredict(modelToOnnx(model), windows), expected), `${activation}/${recurrent}/${head}`).toBeLessThanOrEqual(TOLERANCE);
      model.dispose();
    }
    x.dispose();
  });

  it('uses ONNX operators RNN, LSTM and GRU, not an unrolled graph', async () => {
    const { model } = await trainedModel('ops', { layers: ['simpleRNN', 'lstm', 'gru'], inputColumns: [] });
    try {
      const session = await ort.InferenceSession.create(modelToOnnx(model));
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['output']);
      await session.release();
      // The graph's op types, read back with the same schema that wrote them.
      const { onnxModelProto } = await import('./onnx-schema.js');
      const decoded = onnxModelProto().toObject(onnxModelProto().decode(modelToOnnx(model)), { longs: Number }) as {
        opset_import: { version: number }[];
        graph: { node: { op_type: string }[] };
      };
      expect(decoded.graph.node.map((n) => n.op_type)).toEqual(['Transpose', 'RNN', 'Squeeze', 'LSTM', 'Squeeze', 'GRU', 'Squeeze', 'Gemm', 'Tanh']);
      expect(decoded.opset_import[0]!.version).toBe(17);
    } finally {
      model.dispose();
    }
  });
});

describe('bundles hold model.onnx and preprocessing.json', () => {
  it('the written bundle\'s model.onnx, fed as preprocessing.json says, reproduces the run\'s test predictions', async () => {
    const dir = await mkdtemp(join(root, 'bundle-'));
    const tiny = await tinyRun(dir, { inputColumns: ['Extra'], outputUnits: 2 });
    const bundle = join(dir, 'bundle');
    try {
      await writeRunBundle({ dir: bundle, model: tiny.model, result: { ...tiny.result, bundleDir: bundle } });
    } finally {
      tiny.model.dispose();
    }
    const files = await readdir(bundle);
    expect(files).toContain('model.onnx');
    expect(files).toContain('preprocessing.json');
    const metadata = BundleMetadataSchema.parse(JSON.parse(await readFile(join(bundle, 'metadata.json'), 'utf8')));
    expect(metadata.warnings.filter((w) => /onnx/i.test(w))).toEqual([]);
    const pre = JSON.parse(await readFile(join(bundle, 'preprocessing.json'), 'utf8')) as OnnxPreprocessing;
    expect(pre).toEqual(JSON.parse(JSON.stringify(onnxPreprocessing(metadata))));
    expect(pre.input).toMatchObject({ name: 'input', shape: [null, 4, 2] });
    expect(pre.output).toMatchObject({ name: 'output', shape: [null, 2] });
    expect(pre.features).toEqual(['Value', 'Extra']);
    expect(pre.scaler.min).toEqual(metadata.scaler.min);
    expect(pre.scaler.max).toEqual(metadata.scaler.max);

    // The route of docs/BUNDLE.md: scale the CSV with preprocessing.json, window it, run model.onnx, scale back.
    const onnx = new Uint8Array(await readFile(join(bundle, 'model.onnx')));
    const T = pre.windowing.timeSteps;
    const F = pre.features.length;
    const H = pre.windowing.horizon;
    const csv = (await readFile(tiny.csvPath, 'utf8')).trim().split('\n').map((line) => line.split(','));
    const header = csv[0]!;
    const columns = pre.features.map((f) => header.indexOf(f));
    const scaled = csv.slice(1).map((row) => columns.map((c, f) => {
      const span = pre.scaler.max[f]! - pre.scaler.min[f]!;
      return (Number(row[c]) - pre.scaler.min[f]!) / (span === 0 ? 1 : span);
    }));
    const rows = (await readFile(join(bundle, 'predictions.csv'), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
    const firstSteps = rows.filter((r) => r[3] === '1'); // one window per row whose step is 1: its index is the window's end
    const windowEnds = firstSteps.map((r) => Number(r[0]));
    const x = new Float32Array(windowEnds.length * T * F);
    windowEnds.forEach((end, s) => scaled.slice(end - T, end).forEach((values, t) => x.set(values, (s * T + t) * F)));
    const session = await ort.InferenceSession.create(onnx);
    const out = (await session.run({ [pre.input.name]: new ort.Tensor('float32', x, [windowEnds.length, T, F]) }))[pre.output.name]!.data as Float32Array;
    await session.release();
    const span0 = pre.scaler.max[0]! - pre.scaler.min[0]!;
    const predictedByKey = new Map(rows.map((r) => [`${r[0]}/${r[3]}`, Number(r[5])]));
    let compared = 0;
    windowEnds.forEach((end, s) => {
      for (let h = 0; h < H; h++) {
        const expected = predictedByKey.get(`${end + h}/${h + 1}`);
        expect(expected).toBeTypeOf('number');
        expect(Math.abs(out[s * H + h]! * span0 + pre.scaler.min[0]! - expected!)).toBeLessThanOrEqual(TOLERANCE * span0);
        compared++;
      }
    });
    expect(compared).toBe(rows.length);
    // And on the model's own test windows, in scaled units.
    expect(maxAbsDifference(await ortPredict(onnx, tiny.testWindows), tiny.testPredictionsScaled)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('a model ONNX cannot express exactly gets no model.onnx and a warning saying why', async () => {
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 3, activation: 'elu', inputShape: [4, 1] }));
    model.add(tf.layers.dense({ units: 1 }));
    expect(() => modelToOnnx(model)).toThrow(OnnxExportUnsupported);
    expect(() => modelToOnnx(model)).toThrow(/"elu"/);

    const reversed = tf.sequential();
    reversed.add(tf.layers.gru({ units: 3, goBackwards: true, inputShape: [4, 1] }));
    reversed.add(tf.layers.dense({ units: 1 }));
    expect(() => modelToOnnx(reversed)).toThrow(/goBackwards/);

    const dir = await mkdtemp(join(root, 'refused-'));
    const tiny = await tinyRun(dir);
    tiny.model.dispose();
    const metadata = { ...tiny.result, warnings: [] as string[], app: { name: 'forecast-workbench', version: 'test' } } as unknown as Parameters<typeof writeOnnxFiles>[1];
    const written: string[] = [];
    await writeOnnxFiles(model, metadata, async (name) => {
      written.push(name);
    });
    expect(written).toEqual([]);
    expect(metadata.warnings).toHaveLength(1);
    expect(metadata.warnings[0]).toMatch(/^No model\.onnx was written: layer .* uses the output activation "elu", which ONNX's recurrent operators cannot express exactly\. Use model\.json/);
    model.dispose();
    reversed.dispose();
  });
});
