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
  const history = Array.from(target.subarray(origin + 1 - timeSteps, origin + 1));
  const forecast: number[] = [];
  while (forecast.length < steps) {
    const window: Windows = {
      x: Float32Array.from(history.slice(-timeSteps)),
      y: new Float32Array(horizon),
      targetIndex: [0],
      samples: 1,
      timeSteps,
      features: 1,
      horizon,
    };
    for (const value of await predict(window)) {
      forecast.push(value);
      history.push(value);
    }
  }
  return forecast.slice(0, steps);
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
  const steps = Math.max(...targets.map((t) => t.row)) - origin;
  const scaled = await recursiveFromOrigin(predict, prepared.scaled[0], origin, config.prep.timeSteps, prepared.horizon, steps);
  const predictedScaled = targets.map((t) => scaled[t.row - origin - 1]);
  return scoreTargets(ctx, targets, predictedScaled, prepared.scaler.inverse(predictedScaled, 0));
}
