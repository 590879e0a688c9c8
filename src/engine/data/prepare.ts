/**
 * From a clean series to model-ready samples, the tutorial's steps in order: scale, split, window,
 * and (beyond the tutorial) hold out the last training windows for validation.
 */
import { InvalidInputError, type PrepSpec } from '../../contract/run-config.js';
import type { SeriesData } from './series.js';
import { MinMaxScaler } from './scaler.js';
import { makeWindows, sliceWindows, targetPositions, type Windows } from './windows.js';

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
  const trainCount = targetPositions(splitIndex, windowOptions).length;
  const testCount = targetPositions(n - splitIndex, windowOptions).length;
  if (trainCount < 1 || testCount < 1) {
    throw new InvalidInputError(
      `Too few rows for the window: ${n} rows split ${prep.testSize != null ? `before the last ${prep.testSize}` : `at ${Math.round(prep.trainFraction * 100)}%`} give ` +
        `${trainCount} training and ${testCount} test windows of ${prep.timeSteps} time steps` +
        (horizon > 1 ? ` plus ${horizon} targets` : '') +
        (prep.testSize != null && testCount < 1
          ? `; the test part needs at least ${prep.timeSteps + horizon} rows. Set a larger test size or use fewer time steps.`
          : `; this needs at least ${minimumRows(prep, horizon)} rows. Use fewer time steps or more data.`),
    );
  }

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
    const nVal = Math.max(1, Math.floor(allTrain.samples * prep.validationFraction));
    if (allTrain.samples - nVal < 1) {
      throw new InvalidInputError(
        `The validation fraction ${prep.validationFraction} leaves no training windows out of ${allTrain.samples}; lower it.`,
      );
    }
    train = sliceWindows(allTrain, 0, allTrain.samples - nVal);
    validation = sliceWindows(allTrain, allTrain.samples - nVal, allTrain.samples);
  }
  return { scaler, scaled, splitIndex, train, validation, test, offsets: { train: 0, test: splitIndex }, horizon };
}
