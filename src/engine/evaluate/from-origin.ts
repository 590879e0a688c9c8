/**
 * The network scored "from the origin": every test target forecast from the end of the training part, with
 * no test actuals. Like the forecast beyond the data (forecast.ts), the network starts from the last training
 * window and its predictions are fed back as inputs while the window slides on (recursive; with an H-unit head,
 * H values per prediction). That needs the future of every input: it is done for a univariate input and for
 * inputs that are all calendar features (known from the time labels of the rows after the origin).
 */
import type { MetricSet } from '../../contract/run-result.js';
import { unknownFutureInputs } from '../data/calendar-features.js';
import type { MinMaxScaler } from '../data/scaler.js';
import type { Windows } from '../data/windows.js';
import type { EvaluationContext } from './context.js';
import { scoreTargets, testTargets } from './test-targets.js';

/** Longest recursion (predictions one after another) the network is scored from the origin with. */
export const MAX_RECURSIVE_PREDICTIONS = 5000;

/** Predicts a set of windows: [samples * horizon] scaled values, as the trained model does. */
export type WindowPredictor = (windows: Windows) => Float32Array | Promise<Float32Array>;

/** What a recursion past an origin reads: the model's features up to the origin, and the known inputs after it. */
export interface RecursionInputs {
  /** The scaled model features, [target, ...inputs], each at least up to the last origin. */
  scaled: readonly Float64Array[];
  /** The scaled inputs after the target (features 1..) of a series row after the origin. */
  inputsAt(row: number): ArrayLike<number>;
}

/**
 * The known inputs of series rows for a recursion: `features` (in the series' units, [target, ...inputs]) after
 * the target, through `scaler` (the scaler of the model that recurses). Only calendar features are known ahead;
 * the caller checks that every input is one (unknownFutureInputs). A row past the data gives NaN.
 */
export function seriesInputs(features: readonly Float64Array[], scaler: MinMaxScaler): (row: number) => number[] {
  return (row) => features.slice(1).map((feature, i) => scaler.transformValue(row < feature.length ? feature[row] : NaN, i + 1));
}

/** `steps` scaled values after series row `origin`, predicted recursively from the window ending at `origin`. */
export async function recursiveFromOrigin(
  predict: WindowPredictor,
  input: Float64Array | RecursionInputs,
  origin: number,
  timeSteps: number,
  horizon: number,
  steps: number,
): Promise<number[]> {
  return (await recursiveFromOrigins(predict, input, [origin], timeSteps, horizon, steps))[0];
}

/**
 * The same recursion from several origins at once: one batched prediction per round, one window per origin.
 * `input` is the scaled target alone (univariate) or the features with the known inputs after each origin.
 * Returns, per origin, `steps` scaled values after it.
 */
export async function recursiveFromOrigins(
  predict: WindowPredictor,
  input: Float64Array | RecursionInputs,
  origins: readonly number[],
  timeSteps: number,
  horizon: number,
  steps: number,
): Promise<number[][]> {
  const { scaled, inputsAt }: RecursionInputs = input instanceof Float64Array ? { scaled: [input], inputsAt: () => [] } : input;
  const features = scaled.length;
  // Per origin, the window's rows one after another, row-major [row, feature].
  const histories = origins.map((origin) => {
    const rows: number[] = [];
    for (let row = origin + 1 - timeSteps; row <= origin; row++) for (const feature of scaled) rows.push(feature[row]);
    return rows;
  });
  const forecasts: number[][] = origins.map(() => []);
  while (forecasts.length > 0 && forecasts[0].length < steps) {
    const x = new Float32Array(origins.length * timeSteps * features);
    histories.forEach((history, o) => x.set(history.slice(-timeSteps * features), o * timeSteps * features));
    const windows: Windows = {
      x,
      y: new Float32Array(origins.length * horizon),
      targetIndex: origins.map(() => 0),
      samples: origins.length,
      timeSteps,
      features,
      horizon,
    };
    const predicted = await predict(windows);
    origins.forEach((origin, o) => {
      for (let h = 0; h < horizon; h++) {
        const value = predicted[o * horizon + h];
        const known = features > 1 ? inputsAt(origin + 1 + forecasts[o].length) : [];
        forecasts[o].push(value);
        histories[o].push(value);
        for (let f = 0; f < features - 1; f++) histories[o].push(known[f]);
      }
    });
  }
  return forecasts.map((f) => f.slice(0, steps));
}

/**
 * The model's test metrics from the origin (the last training row), or null with the reason pushed to
 * `warnings` when the model has input columns other than calendar features.
 */
export async function networkFromOrigin(ctx: EvaluationContext, predict: WindowPredictor, warnings: string[] = []): Promise<MetricSet | null> {
  const { prepared, series, config } = ctx;
  const unknown = unknownFutureInputs(series.inputColumns, config.data.calendarFeatures ?? []);
  if (unknown.length > 0) {
    warnings.push(
      `No from-the-origin score for the network: forecasting the test span from the end of training needs future values of the input columns (${unknown.join(', ')}).`,
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
  const input = { scaled: prepared.scaled, inputsAt: seriesInputs(series.features, prepared.scaler) };
  const scaled = await recursiveFromOrigin(predict, input, origin, config.prep.timeSteps, prepared.horizon, steps);
  const original = prepared.target.toOriginal(scaled, origin);
  const predictedScaled = targets.map((t) => scaled[t.row - origin - 1]);
  const predictedOriginal = targets.map((t) => original[t.row - origin - 1]);
  return scoreTargets(ctx, targets, prepared.target.scaledOf(predictedOriginal, predictedScaled), predictedOriginal);
}
