/**
 * Test-only: a real, tiny run (CSV written to a temp folder, a real tfjs model trained for a couple of
 * epochs) and the RunResult it gives, built from the engine's own pieces, to feed writeRunBundle.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseRunConfig } from '../../../contract/run-config.js';
import type { MetricSet, PredictionRow, RunResult } from '../../../contract/run-result.js';
import { loadSeries } from '../../data/load-series.js';
import { datasetInfo } from '../../data/series.js';
import { prepareData } from '../../data/prepare.js';
import type { Windows } from '../../data/windows.js';
import { forecastAhead } from '../../evaluate/forecast.js';
import { metricSet } from '../../evaluate/metrics.js';
import { buildModel, makeOptimizer } from '../../model/build.js';
import { predictWindows, trainModel } from '../../train/train.js';

export interface TinyRunOptions {
  rows?: number;
  timeSteps?: number;
  windowing?: 'tutorial' | 'sliding';
  /** Extra input column names (values are made up); the target column is "Value". */
  inputColumns?: string[];
  outputUnits?: number;
  forecastSteps?: number;
  validationFraction?: number;
  seed?: number;
  /** Phase shift of the made-up series, to get a second CSV "of the same shape" with other values. */
  phase?: number;
}

/** A monthly series CSV: Month (YYYY-MM), Value, and any extra numeric columns. */
export function seriesCsv(rows: number, extraColumns: string[] = [], phase = 0): string {
  const lines = [['Month', 'Value', ...extraColumns].join(',')];
  for (let i = 0; i < rows; i++) {
    const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const value = 50 + 30 * Math.sin((i + phase) / 3) + 5 * Math.cos((i + phase) * 1.7);
    const extras = extraColumns.map((_, c) => (10 * Math.cos((i + phase) / (4 + c))).toFixed(3));
    lines.push([month, value.toFixed(3), ...extras].join(','));
  }
  return lines.join('\n') + '\n';
}

export async function writeSeriesCsv(dir: string, name: string, rows: number, extraColumns: string[] = [], phase = 0): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, seriesCsv(rows, extraColumns, phase));
  return path;
}

export interface TinyRun {
  model: tf.LayersModel;
  result: RunResult;
  csvPath: string;
  /** The test windows exactly as the model saw them, with its predictions (scaled) before export. */
  testWindows: Windows;
  testPredictionsScaled: Float32Array;
}

export async function tinyRun(dir: string, options: TinyRunOptions = {}): Promise<TinyRun> {
  const inputColumns = options.inputColumns ?? [];
  const seed = options.seed ?? 7;
  const csvPath = await writeSeriesCsv(dir, 'train.csv', options.rows ?? 72, inputColumns, options.phase ?? 0);
  const config = parseRunConfig({
    data: { path: csvPath, column: 'Value', inputColumns, timeColumn: 'Month' },
    prep: { timeSteps: options.timeSteps ?? 4, windowing: options.windowing ?? 'sliding', validationFraction: options.validationFraction ?? 0.2 },
    model: { layers: [{ type: 'simpleRNN', units: 3, activation: 'tanh' }], outputUnits: options.outputUnits ?? 1 },
    training: { epochs: 2, batchSize: 8, seed },
    evaluation: { forecastSteps: options.forecastSteps ?? 6 },
    backend: 'cpu',
  });
  const series = await loadSeries(config.data);
  const horizon = config.model.outputUnits;
  const prepared = prepareData(series, config.prep, horizon);
  const model = buildModel(config.model, { timeSteps: config.prep.timeSteps, features: series.features.length, seed });
  model.compile({ optimizer: makeOptimizer('adam', 0.01), loss: 'meanSquaredError' });
  const outcome = await trainModel(model, prepared.train, prepared.validation, { ...config.training, seed });

  const predictions: PredictionRow[] = [];
  const measure = (w: Windows, offset: number, split: PredictionRow['split']): { set: MetricSet; pred: Float32Array } => {
    const pred = predictWindows(model, w);
    const actualOriginal = prepared.scaler.inverse(w.y, 0);
    const predictedOriginal = prepared.scaler.inverse(pred, 0);
    for (let s = 0; s < w.samples; s++) {
      for (let h = 0; h < horizon; h++) {
        const index = offset + w.targetIndex[s] + h;
        predictions.push({
          index,
          time: series.time?.[index] ?? null,
          split,
          step: h + 1,
          actual: series.features[0][index],
          predicted: predictedOriginal[s * horizon + h],
        });
      }
    }
    const set = metricSet({ actualScaled: w.y, predictedScaled: pred, actualOriginal, predictedOriginal, scale: { scaled: null, original: null } });
    return { set, pred };
  };
  const train = measure(prepared.train, 0, 'train');
  const validationOffset = 0;
  const validation = prepared.validation ? measure(prepared.validation, validationOffset, 'validation') : null;
  const test = measure(prepared.test, prepared.offsets.test, 'test');
  const forecastWarnings: string[] = [];
  const forecast = await forecastAhead(
    {
      config,
      series,
      prepared,
      model,
      seasonLength: 12,
      scale: { scaled: null, original: null },
      testPredictionsScaled: test.pred,
    },
    forecastWarnings,
  );

  const result: RunResult = {
    runId: 'tiny-run',
    backend: tf.getBackend(),
    config: { ...config, training: { ...config.training, seed } },
    seed,
    dataset: datasetInfo(series),
    scaler: { min: [...prepared.scaler.min], max: [...prepared.scaler.max], fittedOn: config.prep.scalerFit },
    samples: {
      train: prepared.train.samples,
      validation: prepared.validation?.samples ?? 0,
      test: prepared.test.samples,
      splitIndex: prepared.splitIndex,
    },
    parameterCount: model.countParams(),
    history: outcome.history,
    stopReason: outcome.stopReason,
    bestEpoch: outcome.bestEpoch,
    trainSeconds: outcome.seconds,
    metrics: { train: train.set, validation: validation?.set ?? null, test: test.set },
    baselines: [{ name: 'mean', description: 'Mean of the training part', test: test.set }],
    seasonLength: 12,
    backtest: [],
    predictions,
    forecast,
    bundleDir: null,
    versions: { app: '0.1.0-test', tfjs: tf.version.tfjs, node: process.versions.node },
    warnings: forecastWarnings,
  };
  return { model, result, csvPath, testWindows: prepared.test, testPredictionsScaled: test.pred };
}
