/**
 * Test-only: a real, tiny run (CSV written to a temp folder, a real model trained for a couple of epochs by
 * the engine's own pipeline, `trainAndEvaluate`) and the RunResult it gives, to feed writeRunBundle.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { parseRunConfig, type TrainerChoice } from '../../../contract/run-config.js';
import type { RunResult } from '../../../contract/run-result.js';
import type { Windows } from '../../data/windows.js';
import { trainAndEvaluate } from '../../run.js';

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
  trainer?: TrainerChoice;
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
    training: { epochs: 2, batchSize: 8, seed, learningRate: 0.01 },
    evaluation: { forecastSteps: options.forecastSteps ?? 6 },
    backend: 'cpu',
    trainer: options.trainer ?? 'tfjs',
  });
  const run = await trainAndEvaluate(config, { runId: 'tiny-run' });
  return { model: run.model, result: run.result, csvPath, testWindows: run.prepared.test, testPredictionsScaled: run.predict(run.prepared.test) };
}
