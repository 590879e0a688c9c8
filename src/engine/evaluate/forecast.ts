/**
 * Forecast beyond the last row of the data, from the last window of the scaled series.
 *
 * One prediction gives outputUnits values (1 = the next value; H = the next H values, direct). When more
 * steps are asked for than one prediction gives, the predictions are fed back as inputs and the window
 * slides on (recursive, from-origin.ts's recursion from the last row). That needs the future of every input
 * column, so it works for a univariate input, and for inputs that are all calendar features (computed for the
 * future rows from their projected time labels); with other input columns the forecast stops at the head's
 * outputUnits steps.
 */
import type { ForecastPoint } from '../../contract/run-result.js';
import type { WindowPredictor } from '../train/trainer.js';
import type { EvaluationContext } from './context.js';
import { calendarValues, unknownFutureInputs } from '../data/calendar-features.js';
import { recursiveFromOrigin } from './from-origin.js';
import { projectTimeLabels, projectTimesMs } from './time-labels.js';

/** The last `timeSteps` rows of all features, row-major [timeSteps, features]. */
function lastWindow(scaled: readonly Float64Array[], timeSteps: number): Float32Array {
  const n = scaled[0].length;
  const window = new Float32Array(timeSteps * scaled.length);
  for (let t = 0; t < timeSteps; t++) scaled.forEach((feature, f) => (window[t * scaled.length + f] = feature[n - timeSteps + t]));
  return window;
}

/** The model's outputUnits values (scaled) for one window [timeSteps, features], through the run's predictor. */
function predictOnce(predict: WindowPredictor, window: Float32Array, timeSteps: number, features: number, units: number): Float32Array {
  return predict({ x: window, y: new Float32Array(units), targetIndex: [0], samples: 1, timeSteps, features, horizon: units });
}

/**
 * The scaled calendar features of the `steps` rows after the data, by series row, when every extra input is
 * one and the future labels are dates; else null.
 */
function futureCalendarInputs(ctx: EvaluationContext, steps: number): ((row: number) => number[]) | null {
  const calendar = ctx.config.data.calendarFeatures ?? [];
  if (calendar.length === 0 || unknownFutureInputs(ctx.series.inputColumns, calendar).length > 0) return null;
  const times = projectTimesMs(ctx.series.time, steps);
  if (times === null) return null;
  const n = ctx.prepared.scaled[0].length;
  const rows = times.map((ms) => calendarValues(calendar, ms).map((value, c) => ctx.prepared.scaler.transformValue(value, c + 1)));
  return (row) => rows[row - n];
}

/**
 * config.evaluation.forecastSteps values after the last row (0 → []), in original units, with time
 * labels projected from series.time. With extra input columns and more steps than outputUnits, only
 * outputUnits steps are forecast and the reason is pushed to `warnings`.
 */
export async function forecastAhead(ctx: EvaluationContext, warnings: string[] = []): Promise<ForecastPoint[]> {
  const requested = ctx.config.evaluation.forecastSteps;
  if (requested === 0) return [];
  const { scaled, target } = ctx.prepared;
  const { timeSteps } = ctx.config.prep;
  const units = ctx.config.model.outputUnits;
  let scaledValues: number[];
  // Rows beyond the data the recursion may fill (a whole last prediction of `units` values).
  const calendar = scaled.length > 1 ? futureCalendarInputs(ctx, requested + units) : null;
  const origin = scaled[0].length - 1;
  if (scaled.length === 1) {
    scaledValues = await recursiveFromOrigin(ctx.predict, scaled[0], origin, timeSteps, units, requested);
  } else if (calendar) {
    scaledValues = await recursiveFromOrigin(ctx.predict, { scaled, inputsAt: calendar }, origin, timeSteps, units, requested);
  } else {
    const steps = Math.min(requested, units);
    if (steps < requested) {
      const unknown = unknownFutureInputs(ctx.series.inputColumns, ctx.config.data.calendarFeatures ?? []);
      warnings.push(
        `Forecast: ${steps} of ${requested} steps. Beyond the model's ${units}-step output the forecast would need future values of ` +
          (unknown.length
            ? `the input columns (${unknown.join(', ')}), which are unknown.`
            : `the calendar features, and the time labels do not advance evenly, so the future rows' times are unknown.`),
      );
    }
    scaledValues = Array.from(predictOnce(ctx.predict, lastWindow(scaled, timeSteps), timeSteps, scaled.length, units)).slice(0, steps);
  }
  const labels = projectTimeLabels(ctx.series.time, scaledValues.length);
  const values = target.toOriginal(scaledValues, scaled[0].length - 1);
  return Array.from(values, (value, i) => ({ step: i + 1, time: labels[i], value }));
}
