/**
 * What the evaluation steps (baselines, backtest, forecast ahead) get from a finished training:
 * the data as prepared, the trained model, and the scales for MASE.
 */
import type * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../contract/run-config.js';
import type { PreparedData } from '../data/prepare.js';
import type { SeriesData } from '../data/series.js';

export interface EvaluationContext {
  config: RunConfig;
  series: SeriesData;
  prepared: PreparedData;
  model: tf.LayersModel;
  /** Season length used for the seasonal naive baseline and MASE (set, detected, or null). */
  seasonLength: number | null;
  /** MASE denominators in scaled and original units. */
  scale: { scaled: number | null; original: number | null };
  /** The model's test predictions, scaled, [test samples * horizon]. */
  testPredictionsScaled: Float32Array;
}
