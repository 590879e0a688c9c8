/**
 * Transforms end to end: a real training on air-passengers with log + differencing (lags 1 and 12), whose
 * predictions, metrics, from-origin score, intervals and forecast are in passengers (original units), checked
 * against the inverse written out by hand; then its bundle applied to the same CSV by `predict` gives the
 * run's own predictions and forecast.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleMetadataSchema } from '../../contract/bundles.js';
import { parseRunConfig } from '../../contract/run-config.js';
import { readBundleMetadata, predictWithBundle, writeRunBundle } from '../bundle/index.js';
import { trainAndEvaluate, type EvaluatedRun } from '../run.js';
import { loadSeries } from './load-series.js';

tf.enableProdMode();
const csv = resolve('resources/datasets/air-passengers.csv');
let root: string;
let run: EvaluatedRun;
let passengers: Float64Array;

const config = parseRunConfig({
  data: { path: csv },
  prep: { timeSteps: 12, windowing: 'sliding', testSize: 24, validationFraction: 0.25, scalerFit: 'train', transform: 'log', difference: [1, 12] },
  model: { layers: [{ type: 'lstm', units: 4 }], outputActivation: 'linear' },
  training: { epochs: 3, batchSize: 8, seed: 5, learningRate: 0.01 },
  evaluation: { forecastSteps: 12, backtestFolds: 2 },
  backend: 'cpu',
  trainer: 'fused',
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-transforms-run-'));
  passengers = (await loadSeries(config.data)).features[0];
  run = await trainAndEvaluate(config, { runId: 'transforms-run' });
}, 300_000);

afterAll(async () => {
  run?.model.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a run with log + differencing at lags 1 and 12', () => {
  it('records the chain as applied, and windows only the rows after the 13 that differencing uses up', () => {
    expect(run.result.targetTransform?.steps).toEqual([
      { kind: 'box-cox', lambda: 0 },
      { kind: 'difference', lag: 1 },
      { kind: 'difference', lag: 12 },
    ]);
    expect(run.prepared.offsets.train).toBe(13);
    const first = Math.min(...run.result.predictions.map((p) => p.index));
    expect(first).toBe(13 + 12);
    expect(run.result.samples.splitIndex).toBe(144 - 24);
  });

  it('inverts each prediction exactly: y_t = exp(log y_{t-1} + log y_{t-12} - log y_{t-13} + predicted difference)', async () => {
    const { prepared } = run;
    const outputs = await run.predict(prepared.test);
    const rows = run.result.predictions.filter((p) => p.split === 'test');
    expect(rows).toHaveLength(24 - 12);
    rows.forEach((row, s) => {
      const t = row.index;
      expect(row.actual).toBe(passengers[t]);
      const d = prepared.scaler.inverseValue(outputs[s], 0);
      const byHand = Math.exp(Math.log(passengers[t - 1]) + Math.log(passengers[t - 12]) - Math.log(passengers[t - 13]) + d);
      expect(Math.abs(row.predicted - byHand) / byHand).toBeLessThan(1e-12);
    });
  });

  it('scores in passengers: the test RMSE is that of the prediction rows, and the references are scored on the same scale', () => {
    const rows = run.result.predictions.filter((p) => p.split === 'test');
    const rmse = Math.sqrt(rows.reduce((sum, r) => sum + (r.actual - r.predicted) ** 2, 0) / rows.length);
    const { test } = run.result.metrics;
    expect(test.original.rmse).toBeCloseTo(rmse, 9);
    // Scaled metrics are the original-unit errors over the training part's range, for the network and every reference alike.
    const range = run.result.targetTransform!.original.max - run.result.targetTransform!.original.min;
    expect(test.rmse).toBeCloseTo(rmse / range, 9);
    for (const b of run.result.baselines) expect(b.test.rmse).toBeCloseTo(b.test.original.rmse / range, 9);
    // A sane network in passengers: within the spread of the series, as good as the naive baseline within a factor.
    const naive = run.result.baselines.find((b) => b.name === 'naive')!;
    expect(test.original.rmse).toBeLessThan(3 * naive.test.original.rmse);
    // The verdict names the single best of them, on each protocol.
    const best = run.result.baselines.reduce((a, b) => (b.test.original.rmse < a.test.original.rmse ? b : a));
    expect(run.result.verdict?.oneStep).toMatchObject({ best: best.name, bestRmse: best.test.original.rmse, modelRmse: test.original.rmse });
    expect(run.result.verdict?.fromOrigin?.modelRmse).toBe(run.result.metrics.testFromOrigin!.original.rmse);
  });

  it('scores the network from the origin, and gives intervals, a backtest and a forecast in passengers', () => {
    const { testFromOrigin } = run.result.metrics;
    expect(testFromOrigin).not.toBeNull();
    expect(testFromOrigin!.original.rmse).toBeGreaterThan(0);
    expect(testFromOrigin!.original.rmse).toBeLessThan(200);
    expect(run.result.backtest).toHaveLength(2);
    expect(run.result.forecast).toHaveLength(12);
    expect(run.result.forecast[0].time).toBe('1961-01');
    // The log makes every forecast positive; the seasonal difference keeps the summer peak.
    for (const f of run.result.forecast) expect(f.value).toBeGreaterThan(300);
    const july = run.result.forecast[6].value;
    const november = run.result.forecast[10].value;
    expect(july).toBeGreaterThan(november);
    expect(run.result.intervals?.test.map((b) => b.level)).toEqual([0.8, 0.95]);
    expect(run.result.intervals?.forecast[0].halfWidth).toHaveLength(12);
  });

  it('its bundle records the chain, and predict on the same CSV gives the run\'s own predictions and forecast', async () => {
    const dir = join(root, 'bundle');
    await writeRunBundle({ dir, model: run.model, result: { ...run.result, bundleDir: dir } });
    const { metadata } = await readBundleMetadata(dir);
    expect(BundleMetadataSchema.parse(metadata).targetTransform).toEqual(run.result.targetTransform);
    // ONNX users get the chain beside the scaler.
    const preprocessing = JSON.parse(await readFile(join(dir, 'preprocessing.json'), 'utf8'));
    expect(preprocessing.targetTransform.steps).toEqual(run.result.targetTransform!.steps);
    const p = await predictWithBundle(dir, csv);
    const byIndex = new Map(p.predictions.map((r) => [r.index, r]));
    expect(p.predictions).toHaveLength(144 - 13 - 12);
    for (const row of run.result.predictions) {
      const again = byIndex.get(row.index)!;
      expect(again.actual).toBe(row.actual);
      expect(Math.abs(again.predicted - row.predicted) / row.predicted).toBeLessThan(1e-9);
    }
    expect(p.forecast).toHaveLength(12);
    p.forecast.forEach((f, i) => expect(Math.abs(f.value - run.result.forecast[i].value) / f.value).toBeLessThan(1e-9));
    // The bundle's bands, applied: the same half-widths per step, coverage measured on these rows.
    expect(p.intervals?.test.map((b) => b.halfWidth)).toEqual(run.result.intervals!.test.map((b) => b.halfWidth));
    expect(p.intervals?.forecast).toEqual(run.result.intervals!.forecast);
    for (const band of p.intervals!.test) {
      const q = band.halfWidth[0]!;
      const inside = p.predictions.filter((r) => Math.abs(r.actual - r.predicted) <= q).length;
      expect(band.coverage).toBe(inside / p.predictions.length);
    }
  });
});
