/**
 * Forecast beyond the last row of the data, from the last window of the scaled series.
 *
 * One prediction gives outputUnits values (1 = the next value; H = the next H values, direct). When more
 * steps are asked for than one prediction gives, the predictions are fed back as inputs and the window
 * slides on (recursive). That needs the future of every input column, so it works for a univariate
 * input only; with extra input columns the forecast stops at the head's outputUnits steps.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForecastPoint } from '../../contract/run-result.js';
import type { EvaluationContext } from './context.js';
import { projectTimeLabels } from './time-labels.js';

/** The last `timeSteps` rows of all features, row-major [timeSteps, features]. */
function lastWindow(scaled: readonly Float64Array[], timeSteps: number): Float32Array {
  const n = scaled[0].length;
  const window = new Float32Array(timeSteps * scaled.length);
  for (let t = 0; t < timeSteps; t++) scaled.forEach((feature, f) => (window[t * scaled.length + f] = feature[n - timeSteps + t]));
  return window;
}

/** The model's outputUnits values (scaled) for one window. */
async function predictOnce(model: tf.LayersModel, window: Float32Array, timeSteps: number, features: number): Promise<Float32Array> {
  const output = tf.tidy(() => model.predict(tf.tensor3d(window, [1, timeSteps, features])) as tf.Tensor);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

/** Univariate: predict, append the predicted values, slide the window, until `steps` values exist. */
async function recursiveForecast(model: tf.LayersModel, target: Float64Array, timeSteps: number, steps: number): Promise<number[]> {
  const history = Array.from(target.subarray(target.length - timeSteps));
  const forecast: number[] = [];
  while (forecast.length < steps) {
    for (const value of await predictOnce(model, Float32Array.from(history.slice(-timeSteps)), timeSteps, 1)) {
      forecast.push(value);
      history.push(value);
    }
  }
  return forecast.slice(0, steps);
}

/**
 * config.evaluation.forecastSteps values after the last row (0 → []), in original units, with time
 * labels projected from series.time. With extra input columns and more steps than outputUnits, only
 * outputUnits steps are forecast and the reason is pushed to `warnings`.
 */
export async function forecastAhead(ctx: EvaluationContext, warnings: string[] = []): Promise<ForecastPoint[]> {
  const requested = ctx.config.evaluation.forecastSteps;
  if (requested === 0) return [];
  const { scaled, scaler } = ctx.prepared;
  const { timeSteps } = ctx.config.prep;
  const units = ctx.config.model.outputUnits;
  let scaledValues: number[];
  if (scaled.length === 1) {
    scaledValues = await recursiveForecast(ctx.model, scaled[0], timeSteps, requested);
  } else {
    const steps = Math.min(requested, units);
    if (steps < requested) {
      warnings.push(
        `Forecast: ${steps} of ${requested} steps. Beyond the model's ${units}-step output the forecast would need future values of ` +
          `the input columns (${ctx.series.inputColumns.join(', ')}), which are unknown.`,
      );
    }
    scaledValues = Array.from(await predictOnce(ctx.model, lastWindow(scaled, timeSteps), timeSteps, scaled.length)).slice(0, steps);
  }
  const labels = projectTimeLabels(ctx.series.time, scaledValues.length);
  return scaledValues.map((v, i) => ({ step: i + 1, time: labels[i], value: scaler.inverseValue(v, 0) }));
}
