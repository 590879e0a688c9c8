/**
 * What the evaluation steps (baselines, backtest, forecast ahead) get from a finished training:
 * the data as prepared, the trained model's predictor, and the scales for MASE.
 */
import type { RunConfig } from '../../contract/run-config.js';
import type { PreparedData } from '../data/prepare.js';
import type { SeriesData } from '../data/series.js';
import type { WindowPredictor } from '../train/trainer.js';

export interface EvaluationContext {
  config: RunConfig;
  series: SeriesData;
  prepared: PreparedData;
  /** The trained model's inference (the trainer's own: never model.predict one window at a time). */
  predict: WindowPredictor;
  /** Season length used for the seasonal naive baseline and MASE (set, detected, or null). */
  seasonLength: number | null;
  /** MASE denominators in scaled and original units. */
  scale: { scaled: number | null; original: number | null };
  /** The model's test predictions, scaled, [test samples * horizon]. */
  testPredictionsScaled: Float32Array;
}
