/**
 * From a clean series to model-ready samples, the tutorial's steps in order: scale, split, window,
 * and (beyond the tutorial) hold out the last training windows for validation.
 */
import { InvalidInputError, type PrepSpec } from '../../contract/run-config.js';
import type { SeriesData } from './series.js';
import { MinMaxScaler } from './scaler.js';
import { planWindows, validationWindowCount } from '../../contract/window-plan.js';
import { makeWindows, sliceWindows, type Windows } from './windows.js';

export interface PreparedData {
  scaler: MinMaxScaler;
  /** Scaled features (feature 0 = target), full length. */
  scaled: Float64Array[];
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

  const fitRows = prep.scalerFit === 'all' ? n : splitIndex;
  const scaler = MinMaxScaler.fit(series.features.map((f) => f.subarray(0, fitRows)));
  const scaled = series.features.map((f, i) => scaler.transform(f, i));

  const trainPart = scaled.map((f) => f.subarray(0, splitIndex));
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
  return { scaler, scaled, splitIndex, train, validation, test, offsets: { train: 0, test: splitIndex }, horizon };
}
