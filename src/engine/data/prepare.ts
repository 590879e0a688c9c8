/**
 * From a clean series to model-ready samples, the tutorial's steps in order: scale, split, window,
 * and (beyond the tutorial) hold out the last training windows for validation. Before scaling, the target
 * goes through the configured transforms (transforms.ts: log / Box-Cox fitted on the training part, then
 * differencing); the rows differencing uses up at the start hold no window.
 */
import { InvalidInputError, type PrepSpec } from '../../contract/run-config.js';
import type { SeriesData } from './series.js';
import { MinMaxScaler } from './scaler.js';
import { differencingGap, planWindows, validationWindowCount } from '../../contract/window-plan.js';
import { fitTargetTransforms, TargetSpace, targetTransformSpecs, modelFeatures } from './transforms.js';
import { makeWindows, sliceWindows, type Windows } from './windows.js';

export interface PreparedData {
  scaler: MinMaxScaler;
  /** Scaled features (feature 0 = the target after its transforms; NaN in the rows differencing uses up), full length. */
  scaled: Float64Array[];
  /** The target in original units and as the model sees it: inverse of model outputs, scaled values for the metrics. */
  target: TargetSpace;
  /** First row of the test part: floor(n * trainFraction). */
  splitIndex: number;
  train: Windows;
  validation: Windows | null;
  test: Windows;
  /** Row offsets of each part, to turn a window's targetIndex into a series row. */
  offsets: { train: number; test: number };
  horizon: number;
}

/** The window arithmetic lives in the contract, so the form checks the same figures before Train. */
export { splitIndexOf } from '../../contract/window-plan.js';

export function prepareData(series: SeriesData, prep: PrepSpec, horizon = 1): PreparedData {
  const n = series.features[0].length;
  const plan = planWindows(n, prep, horizon);
  if (plan.problem) throw new InvalidInputError(plan.problem.message);
  const splitIndex = plan.splitIndex;
  const windowOptions = { timeSteps: prep.timeSteps, windowing: prep.windowing, horizon };
  const specs = targetTransformSpecs(prep);
  // Rows at the start that differencing uses up: the training windows begin after them (planWindows counts them too).
  const gap = differencingGap(prep);

  const fitRows = prep.scalerFit === 'all' ? n : splitIndex;
  const original = series.features[0];
  const steps = fitTargetTransforms(original, specs, splitIndex);
  const { features, levels } = modelFeatures(series.features, { steps });
  const scaler = MinMaxScaler.fit(features.map((f) => f.subarray(gap, fitRows)));
  const scaled = features.map((f, i) => scaler.transform(f, i));
  const target = levels
    ? TargetSpace.transformed(original, steps, scaler, originalRange(original, fitRows), levels)
    : TargetSpace.untransformed(original, scaler, scaled[0]);

  const trainPart = scaled.map((f) => f.subarray(gap, splitIndex));
  const testPart = scaled.map((f) => f.subarray(splitIndex));
  const allTrain = makeWindows(trainPart, trainPart[0], windowOptions);
  const test = makeWindows(testPart, testPart[0], windowOptions);

  let train = allTrain;
  let validation: Windows | null = null;
  if (prep.validationFraction > 0) {
    const nVal = validationWindowCount(allTrain.samples, prep.validationFraction);
    train = sliceWindows(allTrain, 0, allTrain.samples - nVal);
    validation = sliceWindows(allTrain, allTrain.samples - nVal, allTrain.samples);
  }
  return { scaler, scaled, target, splitIndex, train, validation, test, offsets: { train: gap, test: splitIndex }, horizon };
}

/** Min and max of the target's first `rows` values in original units (the scale of scaled metrics under transforms). */
function originalRange(values: Float64Array, rows: number): { min: number; max: number } {
  const fitted = MinMaxScaler.fit([values.subarray(0, rows)]);
  return { min: fitted.min[0], max: fitted.max[0] };
}
