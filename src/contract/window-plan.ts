/**
 * The window arithmetic of a run, as pure functions of the row count and the settings: where the split
 * falls, how many (input window, target) samples each part gets, and what a setting that leaves too few
 * rows is told. The engine cuts its windows with these (engine/data/windows.ts, engine/data/prepare.ts) and
 * the renderer's form shows and checks the same figures before Train, so the two never disagree.
 */
import type { PrepSpec, RunConfig, Windowing } from './run-config.js';

export interface WindowOptions {
  timeSteps: number;
  windowing: Windowing;
  horizon?: number;
}

/**
 * Positions of each sample's first target inside a part of `length` values. 'tutorial' reproduces get_XY()
 * of the Keras tutorial (targets at T, 2T, 3T, …); 'sliding' takes every position (stride 1). A sample is
 * kept only if all its `horizon` targets exist.
 */
export function targetPositions(length: number, { timeSteps, windowing, horizon = 1 }: WindowOptions): number[] {
  const positions: number[] = [];
  const stride = windowing === 'tutorial' ? timeSteps : 1;
  for (let p = timeSteps; p + horizon - 1 < length; p += stride) positions.push(p);
  return positions;
}

/** How many samples targetPositions gives, without listing them. */
export function windowCount(length: number, { timeSteps, windowing, horizon = 1 }: WindowOptions): number {
  const last = length - horizon; // the largest first-target position
  if (last < timeSteps) return 0;
  const stride = windowing === 'tutorial' ? timeSteps : 1;
  return Math.floor((last - timeSteps) / stride) + 1;
}

/** First row of the test part: n - testSize when a test size is set, else floor(n * trainFraction). */
export function splitIndexOf(n: number, prep: Pick<PrepSpec, 'trainFraction' | 'testSize'>): number {
  return prep.testSize != null ? n - prep.testSize : Math.floor(n * prep.trainFraction);
}

/** Rows at the start that differencing uses up (the sum of its lags): the training windows begin after them. */
export function differencingGap(prep: Partial<Pick<PrepSpec, 'difference'>>): number {
  return (prep.difference ?? []).reduce((sum, lag) => sum + lag, 0);
}

/** Smallest series length that gives at least one training and one test window. */
export function minimumRows(prep: Pick<PrepSpec, 'timeSteps' | 'trainFraction'> & Partial<Pick<PrepSpec, 'difference'>>, horizon = 1): number {
  const perPart = prep.timeSteps + horizon;
  const gap = differencingGap(prep);
  let n = 2 * perPart + gap;
  while (Math.floor(n * prep.trainFraction) - gap < perPart || n - Math.floor(n * prep.trainFraction) < perPart) n++;
  return n;
}

/** Training windows held out for validation: the last max(1, floor(samples * fraction)), none at fraction 0. */
export function validationWindowCount(trainingSamples: number, validationFraction: number): number {
  return validationFraction > 0 ? Math.max(1, Math.floor(trainingSamples * validationFraction)) : 0;
}

/** A setting that cannot run, with the config path of the field to fix and a sentence for people. */
export interface PlanProblem {
  path: string;
  message: string;
}

export interface WindowPlan {
  rows: number;
  splitIndex: number;
  /** Samples of each part (training without the validation windows). */
  train: number;
  validation: number;
  test: number;
  /** The first setting that leaves too few rows, or null. */
  problem: PlanProblem | null;
}

type PlanPrep = Pick<PrepSpec, 'timeSteps' | 'windowing' | 'trainFraction' | 'testSize' | 'validationFraction'> & Partial<Pick<PrepSpec, 'difference'>>;

/** The windows a series of `rows` rows gives under these settings, and what (if anything) is too few. */
export function planWindows(rows: number, prep: PlanPrep, horizon = 1): WindowPlan {
  const splitIndex = splitIndexOf(rows, prep);
  const options = { timeSteps: prep.timeSteps, windowing: prep.windowing, horizon };
  const gap = differencingGap(prep);
  const allTrain = windowCount(Math.max(0, splitIndex - gap), options);
  const test = windowCount(rows - splitIndex, options);
  const validation = validationWindowCount(allTrain, prep.validationFraction);
  const plan = { rows, splitIndex, train: Math.max(0, allTrain - validation), validation, test };
  if (allTrain < 1 || test < 1) {
    const testSizeShort = prep.testSize != null && test < 1;
    const message =
      `Too few rows for the window: ${rows} rows split ${prep.testSize != null ? `before the last ${prep.testSize}` : `at ${Math.round(prep.trainFraction * 100)}%`} give ` +
      `${allTrain} training and ${test} test windows of ${prep.timeSteps} time steps` +
      (gap > 0 ? ` (differencing uses up the first ${gap} rows)` : '') +
      (horizon > 1 ? ` plus ${horizon} targets` : '') +
      (testSizeShort
        ? `; the test part needs at least ${prep.timeSteps + horizon} rows. Set a larger test size or use fewer time steps.`
        : `; this needs at least ${minimumRows(prep, horizon)} rows. Use fewer time steps or more data.`);
    return { ...plan, validation: 0, train: allTrain, problem: { path: testSizeShort ? 'prep.testSize' : 'prep.timeSteps', message } };
  }
  if (allTrain - validation < 1) {
    return {
      ...plan,
      problem: { path: 'prep.validationFraction', message: `The validation fraction ${prep.validationFraction} leaves no training windows out of ${allTrain}; lower it.` },
    };
  }
  return { ...plan, problem: null };
}

/**
 * A forecast longer than the model's output needs the future of every input, which is unknown for extra
 * input columns: such a request cannot be served (the engine would stop at the output's steps). Calendar
 * features (data.calendarFeatures) are known in advance and never stop it.
 */
export function forecastProblem(config: Pick<RunConfig, 'data' | 'model' | 'evaluation'>): PlanProblem | null {
  const { forecastSteps } = config.evaluation;
  const units = config.model.outputUnits;
  const inputs = config.data.inputColumns;
  if (inputs.length === 0 || forecastSteps <= units) return null;
  return {
    path: 'evaluation.forecastSteps',
    message:
      `at most ${units} with extra input columns (${inputs.join(', ')}): beyond the model's ${units}-step output the forecast would need ` +
      `future values of those columns, which are unknown. Raise the output units to ${forecastSteps} or remove the input columns.`,
  };
}
