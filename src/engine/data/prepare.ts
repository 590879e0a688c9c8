/**
 * From a clean series to model-ready samples, the tutorial's steps in order: scale, split, window,
 * and (beyond the tutorial) hold out the last training windows for validation. Before scaling, the target
 * goes through the configured transforms (transforms.ts: log / Box-Cox fitted on the training part, then
 * differencing); the rows differencing uses up at the start hold no window.
 */
import { InvalidInputError, type PrepSpec } from '../../contract/run-config.js';
import type { SeriesData } from './series.js';
import { MinMaxScaler } from './scaler.js';
import { fitTargetTransforms, TargetSpace, targetTransformSpecs, transformGap, modelFeatures } from './transforms.js';
import { makeWindows, sliceWindows, targetPositions, type Windows } from './windows.js';

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

/** Smallest series length that gives at least one training and one test window. */
export function minimumRows(prep: Pick<PrepSpec, 'timeSteps' | 'trainFraction'>, horizon = 1): number {
  const perPart = prep.timeSteps + horizon;
  let n = 2 * perPart;
  while (Math.floor(n * prep.trainFraction) < perPart || n - Math.floor(n * prep.trainFraction) < perPart) n++;
  return n;
}

/** First row of the test part: n - testSize when a test size is set, else floor(n * trainFraction). */
export function splitIndexOf(n: number, prep: Pick<PrepSpec, 'trainFraction' | 'testSize'>): number {
  return prep.testSize != null ? n - prep.testSize : Math.floor(n * prep.trainFraction);
}

export function prepareData(series: SeriesData, prep: PrepSpec, horizon = 1): PreparedData {
  const n = series.features[0].length;
  const splitIndex = splitIndexOf(n, prep);
  const windowOptions = { timeSteps: prep.timeSteps, windowing: prep.windowing, horizon };
  const specs = targetTransformSpecs(prep);
  // Rows at the start that differencing uses up: the training windows begin after them.
  const gap = transformGap(specs);
  const trainCount = targetPositions(splitIndex - gap, windowOptions).length;
  const testCount = targetPositions(n - splitIndex, windowOptions).length;
  if (trainCount < 1 || testCount < 1) {
    throw new InvalidInputError(
      `Too few rows for the window: ${n} rows split ${prep.testSize != null ? `before the last ${prep.testSize}` : `at ${Math.round(prep.trainFraction * 100)}%`} give ` +
        `${trainCount} training and ${testCount} test windows of ${prep.timeSteps} time steps` +
        (gap > 0 ? ` (differencing uses up the first ${gap} rows)` : '') +
        (horizon > 1 ? ` plus ${horizon} targets` : '') +
        (prep.testSize != null && testCount < 1
          ? `; the test part needs at least ${prep.timeSteps + horizon} rows. Set a larger test size or use fewer time steps.`
          : `; this needs at least ${minimumRows(prep, horizon)} rows. Use fewer time steps or more data.`),
    );
  }

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
    const nVal = Math.max(1, Math.floor(allTrain.samples * prep.validationFraction));
    if (allTrain.samples - nVal < 1) {
      throw new InvalidInputError(
        `The validation fraction ${prep.validationFraction} leaves no training windows out of ${allTrain.samples}; lower it.`,
      );
    }
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
