/**
 * Split-conformal prediction intervals (Vovk et al. 2005; Lei et al. 2018): the absolute errors of the
 * model on data it was not trained on (the validation windows) calibrate, per step ahead, a symmetric band
 * predicted ± q, where q is the ceil((n + 1) * level)-th smallest of the n calibration errors. When the
 * calibration and test errors are exchangeable, a new actual falls inside with probability at least `level`.
 * With too few calibration errors for a level (ceil((n + 1) * level) > n) the band is unbounded and reported
 * as null.
 *
 * Test bands are scored: coverage is the share of test actuals inside, shown beside the nominal level.
 * Forecast bands use the errors of recursive forecasts made from every validation window, so that step k
 * of the forecast is calibrated on k-step-ahead errors of the same recursion.
 */
import type { ForecastInterval, IntervalBand, PredictionIntervals } from '../../contract/run-result.js';
import type { EvaluationContext } from './context.js';
import { unknownFutureInputs } from '../data/calendar-features.js';
import { recursiveFromOrigins, seriesInputs, type WindowPredictor } from './from-origin.js';
import { testTargets } from './test-targets.js';

/** Most validation windows (the latest) the forecast bands recurse from, to bound the work. */
const MAX_FORECAST_ORIGINS = 500;

/** The split-conformal half-width for `level` from absolute errors; null when there are too few of them. */
export function conformalHalfWidth(absoluteErrors: readonly number[], level: number): number | null {
  const n = absoluteErrors.length;
  const rank = Math.ceil((n + 1) * level);
  if (n === 0 || rank > n) return null;
  return [...absoluteErrors].sort((a, b) => a - b)[rank - 1];
}

/** Share of actuals inside predicted ± halfWidth (per value; halfWidth null = unbounded = inside). */
export function coverage(actual: ArrayLike<number>, predicted: ArrayLike<number>, halfWidth: (i: number) => number | null): number | null {
  if (actual.length === 0) return null;
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    const q = halfWidth(i);
    if (q === null || Math.abs(actual[i] - predicted[i]) <= q) inside++;
  }
  return inside / actual.length;
}

/**
 * A run's bands applied to new predictions (as `predict BUNDLE` makes them): the same half-widths per step
 * ahead, with the coverage measured on these rows' actual values.
 */
export function applyIntervals(intervals: PredictionIntervals, rows: ReadonlyArray<{ actual: number; predicted: number; step: number }>): PredictionIntervals {
  const actual = rows.map((r) => r.actual);
  const predicted = rows.map((r) => r.predicted);
  return {
    ...intervals,
    test: intervals.test.map((band) => ({ ...band, coverage: coverage(actual, predicted, (i) => band.halfWidth[rows[i].step - 1] ?? null) })),
  };
}

/** Absolute errors per step (0-based) of the model's validation predictions, in original units. */
function validationErrors(ctx: EvaluationContext, validationPredictionsScaled: Float32Array): number[][] {
  const validation = ctx.prepared.validation!;
  const { offsets } = ctx.prepared;
  const target = ctx.series.features[0];
  const errors: number[][] = Array.from({ length: validation.horizon }, () => []);
  const predicted = ctx.prepared.target.windowsToOriginal(validationPredictionsScaled, validation.horizon, (s) => offsets.train + validation.targetIndex[s] - 1);
  for (let s = 0; s < validation.samples; s++) {
    for (let h = 0; h < validation.horizon; h++) {
      const row = offsets.train + validation.targetIndex[s] + h;
      errors[h].push(Math.abs(target[row] - predicted[s * validation.horizon + h]));
    }
  }
  return errors;
}

/**
 * Bands on the test predictions (per step ahead, from the validation errors) and on the forecast beyond the
 * data (per forecast step, from recursive forecasts out of every validation window), at each level of
 * config.evaluation.intervalLevels. Null without a validation part (nothing to calibrate on) or without levels.
 */
export async function predictionIntervals(
  ctx: EvaluationContext,
  predict: WindowPredictor,
  validationPredictionsScaled: Float32Array | null,
  forecastSteps: number,
): Promise<PredictionIntervals | null> {
  const levels = ctx.config.evaluation.intervalLevels;
  if (levels.length === 0 || !ctx.prepared.validation || !validationPredictionsScaled) return null;
  const errors = validationErrors(ctx, validationPredictionsScaled);
  const targets = testTargets(ctx);
  const horizon = ctx.prepared.test.horizon;
  const actual = targets.map((t) => ctx.series.features[0][t.row]);
  const predicted = ctx.prepared.target.windowsToOriginal(ctx.testPredictionsScaled, horizon, (s) => targets[s * horizon].lastInputRow);
  const test: IntervalBand[] = levels.map((level) => {
    const halfWidth = errors.map((e) => conformalHalfWidth(e, level));
    return { level, halfWidth, coverage: coverage(actual, predicted, (i) => halfWidth[i % horizon]) };
  });
  const forecast = await forecastBands(ctx, predict, levels, forecastSteps);
  return { method: 'split-conformal', calibration: 'validation', calibrationSize: errors[0].length, test, forecast };
}

/** Per-step half-widths for the forecast beyond the data, from recursive forecasts out of each validation window. */
async function forecastBands(ctx: EvaluationContext, predict: WindowPredictor, levels: readonly number[], steps: number): Promise<ForecastInterval[]> {
  if (steps === 0 || unknownFutureInputs(ctx.series.inputColumns, ctx.config.data.calendarFeatures ?? []).length > 0) return [];
  const validation = ctx.prepared.validation!;
  const { offsets, splitIndex } = ctx.prepared;
  const target = ctx.series.features[0];
  // Origins: the last row of each validation window; errors at rows that are still training rows (before the split).
  const origins = validation.targetIndex.slice(-MAX_FORECAST_ORIGINS).map((p) => offsets.train + p - 1);
  const input = { scaled: ctx.prepared.scaled, inputsAt: seriesInputs(ctx.series.features, ctx.prepared.scaler) };
  const paths = await recursiveFromOrigins(predict, input, origins, ctx.config.prep.timeSteps, validation.horizon, steps);
  const errorsByStep: number[][] = Array.from({ length: steps }, () => []);
  origins.forEach((origin, o) => {
    const path = ctx.prepared.target.toOriginal(paths[o], origin);
    for (let k = 0; k < steps && origin + 1 + k < splitIndex; k++) {
      errorsByStep[k].push(Math.abs(target[origin + 1 + k] - path[k]));
    }
  });
  return levels.map((level) => ({ level, halfWidth: errorsByStep.map((e) => conformalHalfWidth(e, level)) }));
}
