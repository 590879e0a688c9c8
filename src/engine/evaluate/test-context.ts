/** Builds EvaluationContexts from hand-made series for the evaluation tests. */
import { parseRunConfig, type RunConfigInput } from '../../contract/run-config.js';
import { prepareData } from '../data/prepare.js';
import type { SeriesData } from '../data/series.js';
import type { WindowPredictor } from '../train/trainer.js';
import type { EvaluationContext } from './context.js';

export function handSeries(features: number[][], time: string[] | null = null): SeriesData {
  return {
    path: 'hand.csv',
    name: 'hand.csv',
    sha256: '',
    column: 'y',
    inputColumns: features.slice(1).map((_, i) => `x${i + 1}`),
    timeColumn: time ? 'time' : null,
    time,
    features: features.map((f) => Float64Array.from(f)),
    missingHandled: 0,
    rowsInFile: features[0].length,
  };
}

export interface HandContextOptions {
  config?: Omit<RunConfigInput, 'data'>;
  predict?: WindowPredictor;
  seasonLength?: number | null;
  scale?: EvaluationContext['scale'];
  testPredictionsScaled?: Float32Array;
}

export function handContext(series: SeriesData, options: HandContextOptions = {}): EvaluationContext {
  const config = parseRunConfig({ ...options.config, data: { path: series.path } });
  const prepared = prepareData(series, config.prep, config.model.outputUnits);
  return {
    config,
    series,
    prepared,
    predict: options.predict ?? ((w) => new Float32Array(w.samples * w.horizon)),
    seasonLength: options.seasonLength ?? null,
    scale: options.scale ?? { scaled: null, original: null },
    testPredictionsScaled: options.testPredictionsScaled ?? new Float32Array(prepared.test.samples * prepared.horizon),
  };
}

/** 1, 2, ..., n. */
export const counting = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
