/**
 * The network scored "from the origin": every test target forecast from the end of the training part, with
 * no test actuals. Like the forecast beyond the data (forecast.ts), the network starts from the last training
 * window and its predictions are fed back as inputs while the window slides on (recursive; with an H-unit head,
 * H values per prediction). That needs the future of every input column, so it is done for a univariate input only.
 */
import type { MetricSet } from '../../contract/run-result.js';
import type { Windows } from '../data/windows.js';
import type { EvaluationContext } from './context.js';
import { scoreTargets, testTargets } from './test-targets.js';

/** Longest recursion (predictions one after another) the network is scored from the origin with. */
export const MAX_RECURSIVE_PREDICTIONS = 5000;

/** Predicts a set of windows: [samples * horizon] scaled values, as the trained model does. */
export type WindowPredictor = (windows: Windows) => Float32Array | Promise<Float32Array>;

/** `steps` scaled values after series row `origin`, predicted recursively from the window ending at `origin`. */
export async function recursiveFromOrigin(
  predict: WindowPredictor,
  target: Float64Array,
  origin: number,
  timeSteps: number,
  horizon: number,
  steps: number,
): Promise<number[]> {
  return (await recursiveFromOrigins(predict, target, [origin], timeSteps, horizon, steps))[0];
}

/**
 * The same recursion from several origins at once: one batched prediction per round, one window per origin.
 * Returns, per origin, `steps` scaled values after it.
 */
export async function recursiveFromOrigins(
  predict: WindowPredictor,
  target: Float64Array,
  origins: readonly number[],
  timeSteps: number,
  horizon: number,
  steps: number,
): Promise<number[][]> {
  const histories = origins.map((origin) => Array.from(target.subarray(origin + 1 - timeSteps, origin + 1)));
  const forecasts: number[][] = origins.map(() => []);
  while (forecasts.length > 0 && forecasts[0].length < steps) {
    const x = new Float32Array(origins.length * timeSteps);
    histories.forEach((history, o) => x.set(history.slice(-timeSteps), o * timeSteps));
    const windows: Windows = {
      x,
      y: new Float32Array(origins.length * horizon),
      targetIndex: origins.map(() => 0),
      samples: origins.length,
      timeSteps,
      features: 1,
      horizon,
    };
    const predicted = await predict(windows);
    origins.forEach((_, o) => {
      for (let h = 0; h < horizon; h++) {
        forecasts[o].push(predicted[o * horizon + h]);
        histories[o].push(predicted[o * horizon + h]);
      }
    });
  }
  return forecasts.map((f) => f.slice(0, steps));
}

/**
 * The model's test metrics from the origin (the last training row), or null with the reason pushed to
 * `warnings` when the model has extra input columns.
 */
export async function networkFromOrigin(ctx: EvaluationContext, predict: WindowPredictor, warnings: string[] = []): Promise<MetricSet | null> {
  const { prepared, series, config } = ctx;
  if (prepared.scaled.length > 1) {
    warnings.push(
      `No from-the-origin score for the network: forecasting the test span from the end of training needs future values of the input columns (${series.inputColumns.join(', ')}).`,
    );
    return null;
  }
  const targets = testTargets(ctx);
  const origin = prepared.splitIndex - 1;
  const steps = targets.reduce((last, t) => Math.max(last, t.row), origin) - origin;
  const predictions = Math.ceil(steps / prepared.horizon);
  if (predictions > MAX_RECURSIVE_PREDICTIONS) {
    warnings.push(
      `No from-the-origin score for the network: its ${steps}-row test span would take ${predictions} predictions one after another (at most ${MAX_RECURSIVE_PREDICTIONS}); set a smaller test size.`,
    );
    return null;
  }
  const scaled = await recursiveFromOrigin(predict, prepared.scaled[0], origin, config.prep.timeSteps, prepared.horizon, steps);
  const original = prepared.target.toOriginal(scaled, origin);
  const predictedScaled = targets.map((t) => scaled[t.row - origin - 1]);
  const predictedOriginal = targets.map((t) => original[t.row - origin - 1]);
  return scoreTargets(ctx, targets, prepared.target.scaledOf(predictedOriginal, predictedScaled), predictedOriginal);
}
