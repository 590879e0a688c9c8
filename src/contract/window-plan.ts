/**
 * The window arithmetic of a run, as pure functions of the row count and the settings: where the split
 * falls, how many (input window, target) samples each part gets, and what a setting that leaves too few
 * rows is told. The engine cuts its windows with these (engine/data/windows.ts, engine/data/prepare.ts) and
 * the renderer's form shows and checks the same figures before Train, so the two never disagree.
 */
import type { PrepSpec, RefitSpec, RunConfig, Windowing } from './run-config.js';

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

/** Rows of one fold of the refit backtest: trained on trainStart..origin, forecast start..end (series rows). */
export interface RefitFoldRows {
  trainStart: number;
  origin: number;
  start: number;
  end: number;
}

/**
 * Fold geometry of the refit backtest: fold j (0-based) forecasts rows [n - (k - j)·H, n - (k - j - 1)·H) from
 * the row before them; the training window starts at the first row (expanding) or moves on by H (sliding).
 */
export function refitFolds(n: number, origins: number, horizon: number, window: RefitSpec['window']): RefitFoldRows[] {
  return Array.from({ length: origins }, (_, j) => {
    const start = n - (origins - j) * horizon;
    return { trainStart: window === 'expanding' ? 0 : j * horizon, origin: start - 1, start, end: start + horizon - 1 };
  });
}

/**
 * Rows a refit fold needs before its origin: two parts' worth of windows (timeSteps + horizon each), after the
 * rows differencing uses up. Every fold trains on at least as many rows as the first, so the first decides.
 */
export function refitMinimumRows(prep: Pick<PrepSpec, 'timeSteps'> & Partial<Pick<PrepSpec, 'difference'>>, outputUnits: number): number {
  return 2 * (prep.timeSteps + outputUnits) + differencingGap(prep);
}

/**
 * What stops a refit backtest before Train, at the refit origins field: origins that leave too few rows before
 * the first origin (`rows` null = not known yet, not checked), or input columns whose future values no fold can
 * know: a horizon past the model's output is forecast recursively from each origin, with no actual after it
 * (calendar features are known and allowed). A horizon the head gives at once reads inputs up to the origin only,
 * as forecastProblem allows the forecast ahead.
 */
export function refitProblem(rows: number | null, config: Pick<RunConfig, 'data' | 'prep' | 'model' | 'evaluation'>): PlanProblem | null {
  const refit = config.evaluation.refit;
  if (!refit) return null;
  const path = 'evaluation.refit.origins';
  const inputs = config.data.inputColumns;
  if (inputs.length > 0 && refit.horizon > config.model.outputUnits) {
    return {
      path,
      message:
        `A refit backtest forecasts ${refit.horizon} step(s) from each origin with no actual after it, which needs future values of the input columns ` +
        `(${inputs.join(', ')}), and they are unknown; remove the input columns or set the refit origins to 0.`,
    };
  }
  if (rows === null) return null;
  const units = config.model.outputUnits;
  const first = refitFolds(rows, refit.origins, refit.horizon, refit.window)[0];
  const firstTrainRows = Math.max(0, first.origin + 1 - first.trainStart);
  const needed = refitMinimumRows(config.prep, units);
  if (firstTrainRows >= needed) return null;
  const gap = differencingGap(config.prep);
  return {
    path,
    message:
      `The refit backtest's ${refit.origins} origins of ${refit.horizon} steps leave ${firstTrainRows} rows before the first origin; ` +
      `it needs at least ${needed}${gap > 0 ? ` (differencing uses up the first ${gap})` : ''}. Use fewer origins, a shorter horizon or fewer time steps.`,
  };
}
