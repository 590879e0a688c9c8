/**
 * Error measures. RMSE is what the tutorial prints; MAE, MAPE, sMAPE and MASE are what analysts compare.
 * MAPE skips actual values of 0 (and is null if all are 0); sMAPE skips pairs where both are 0;
 * MASE divides MAE by the in-sample MAE of the naive forecast at lag m on the training part (`maseScale`;
 * runs use m = 1, or the season length the analyst set).
 */
import type { ErrorMeasures, MetricSet } from '../../contract/run-result.js';

export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i] - predicted[i]) ** 2;
  if (Number.isFinite(sum) && sum > 1e-280) return Math.sqrt(sum / actual.length);
  // Squares that overflow (errors near 1e300) or underflow (near 1e-300): the same root, scaled by the largest error.
  let largest = 0;
  for (let i = 0; i < actual.length; i++) largest = Math.max(largest, Math.abs(actual[i] - predicted[i]));
  if (largest === 0 || !Number.isFinite(largest)) return largest === 0 ? 0 : Math.sqrt(sum / actual.length);
  let scaled = 0;
  for (let i = 0; i < actual.length; i++) scaled += ((actual[i] - predicted[i]) / largest) ** 2;
  return largest * Math.sqrt(scaled / actual.length);
}

export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / actual.length;
}

/** Mean absolute percentage error in percent, over the non-zero actual values. */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs((actual[i] - predicted[i]) / actual[i]);
    n++;
  }
  return n === 0 ? null : (100 * sum) / n;
}

/** Symmetric MAPE in percent (0..200), over the pairs that are not both zero. */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(predicted[i]);
    if (denominator === 0) continue;
    sum += (2 * Math.abs(actual[i] - predicted[i])) / denominator;
    n++;
  }
  return n === 0 ? null : (100 * sum) / n;
}

/** In-sample MAE of the seasonal naive forecast (lag m) on `trainValues`: the MASE denominator. */
export function maseScale(trainValues: ArrayLike<number>, season = 1): number | null {
  if (trainValues.length <= season) return null;
  let sum = 0;
  for (let i = season; i < trainValues.length; i++) sum += Math.abs(trainValues[i] - trainValues[i - season]);
  const scale = sum / (trainValues.length - season);
  return scale > 0 ? scale : null;
}

export function errorMeasures(actual: ArrayLike<number>, predicted: ArrayLike<number>, scale: number | null): ErrorMeasures {
  if (actual.length === 0) return { rmse: NaN, mae: NaN, mape: null, smape: null, mase: null };
  const m = mae(actual, predicted);
  return {
    rmse: rmse(actual, predicted),
    mae: m,
    mape: mape(actual, predicted),
    smape: smape(actual, predicted),
    mase: scale === null ? null : m / scale,
  };
}

export interface MetricInputs {
  actualScaled: ArrayLike<number>;
  predictedScaled: ArrayLike<number>;
  actualOriginal: ArrayLike<number>;
  predictedOriginal: ArrayLike<number>;
  scale: { scaled: number | null; original: number | null };
}

/** Measures in scaled units (top level, as the tutorial prints) and in the series' original units. */
export function metricSet(inputs: MetricInputs): MetricSet {
  return {
    ...errorMeasures(inputs.actualScaled, inputs.predictedScaled, inputs.scale.scaled),
    original: errorMeasures(inputs.actualOriginal, inputs.predictedOriginal, inputs.scale.original),
    count: inputs.actualScaled.length,
  };
}
