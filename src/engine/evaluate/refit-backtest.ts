/**
 * Rolling-origin backtest with refit, as Darts' `historical_forecasts(retrain=True)`: the last k blocks of H
 * rows are each forecast from the end of the rows before them (the origin). At every origin a new network is
 * built and trained through the run's trainer (same settings and seed) on the rows up to the origin only, and
 * the baselines (naive, seasonal naive) and references (ETS, Theta, ARIMA) are refitted on the same rows;
 * each forecasts H steps from the origin with no actual after it (the network recursively). The training
 * window is expanding (from the first row) or sliding (the first fold's length, moving on by H).
 *
 * A fold's data ends at its origin. prepareData always cuts a test part, so the fold's rows get a tail of
 * copies of their last value (never trained on: the scaler and transforms are fitted on the training rows,
 * and the tail is never scored); the forecast reads only rows up to the origin.
 */
import { InvalidInputError, type RunConfig } from '../../contract/run-config.js';
import type { MetricSet, RefitBacktest, RefitFold } from '../../contract/run-result.js';
import { prepareData } from '../data/prepare.js';
import type { SeriesData } from '../data/series.js';
import { buildModel } from '../model/build.js';
import type { Trainer } from '../train/trainer.js';
import { seasonalSourceRow } from './baselines.js';
import { recursiveFromOrigin } from './from-origin.js';
import { fitReferences } from './references/index.js';
import { scoreTargets, type ScoringBasis, type TestTarget } from './test-targets.js';

export interface RefitInput {
  /** The run's configuration, with its seed. */
  config: RunConfig;
  series: SeriesData;
  seasonLength: number | null;
  /** How the whole run scores (the same scale for every fold). */
  basis: ScoringBasis;
  /** The run's trainer: every fold trains through it. */
  trainer: Trainer;
  warnings: string[];
  /** After each fold: folds done of all. */
  onFold?: (done: number, total: number) => void;
}

/** Fold geometry: fold j (0-based) forecasts rows [n - (k - j)·H, n - (k - j - 1)·H) from the row before them. */
export function refitFolds(n: number, origins: number, horizon: number, window: 'expanding' | 'sliding'): Array<{ trainStart: number; origin: number; start: number; end: number }> {
  return Array.from({ length: origins }, (_, j) => {
    const start = n - (origins - j) * horizon;
    return { trainStart: window === 'expanding' ? 0 : j * horizon, origin: start - 1, start, end: start + horizon - 1 };
  });
}

/** Rows trainStart..origin of the series, then `tail` copies of their last row (see the file comment). */
function foldSeries(series: SeriesData, trainStart: number, origin: number, tail: number): SeriesData {
  const rows = origin + 1 - trainStart;
  const features = series.features.map((f) => {
    const out = new Float64Array(rows + tail);
    out.set(f.subarray(trainStart, origin + 1));
    out.fill(f[origin], rows);
    return out;
  });
  const time = series.time ? [...series.time.slice(trainStart, origin + 1), ...Array.from({ length: tail }, () => series.time![origin])] : null;
  return { ...series, features, time };
}

export async function refitBacktest(input: RefitInput): Promise<RefitBacktest | null> {
  const { config, series, basis, trainer, warnings } = input;
  const refit = config.evaluation.refit;
  if (!refit) return null;
  if (series.features.length > 1) {
    warnings.push(
      `No refit backtest: forecasting from each origin needs future values of the input columns (${series.inputColumns.join(', ')}).`,
    );
    return null;
  }
  const n = series.features[0].length;
  const { timeSteps } = config.prep;
  const units = config.model.outputUnits;
  const folds = refitFolds(n, refit.origins, refit.horizon, refit.window);
  const firstTrainRows = folds[0].origin + 1 - folds[0].trainStart;
  if (firstTrainRows < 2 * (timeSteps + units)) {
    throw new InvalidInputError(
      `The refit backtest's ${refit.origins} origins of ${refit.horizon} steps leave ${firstTrainRows} rows before the first origin; ` +
        `it needs at least ${2 * (timeSteps + units)}. Use fewer origins, a shorter horizon or fewer time steps.`,
    );
  }
  const seed = config.training.seed ?? 0;
  const foldWarnings = new Set<string>();
  const out: RefitFold[] = [];
  let trainings = 0;
  for (const [j, fold] of folds.entries()) {
    const rows = fold.origin + 1 - fold.trainStart;
    const data = foldSeries(series, fold.trainStart, fold.origin, timeSteps + units);
    const prepared = prepareData(data, { ...config.prep, testSize: timeSteps + units, scalerFit: 'train' }, units);
    const model = buildModel(config.model, { timeSteps, features: prepared.train.features, seed });
    let path: Float64Array;
    try {
      trainings++;
      await trainer.train({ model, spec: config.model, train: prepared.train, validation: prepared.validation, training: { ...config.training, seed } });
      const predict = trainer.predictor(model, config.model);
      const scaled = await recursiveFromOrigin(predict, prepared.scaled[0], rows - 1, timeSteps, units, refit.horizon);
      path = prepared.target.toOriginal(scaled, rows - 1);
    } finally {
      model.dispose();
    }
    const targets: TestTarget[] = Array.from({ length: refit.horizon }, (_, h) => ({ row: fold.start + h, lastInputRow: fold.origin }));
    const score = (original: ArrayLike<number>): MetricSet => scoreTargets(basis, targets, basis.prepared.target.reportScaler.transform(original, 0), original);
    const target = series.features[0];
    const baselines: RefitFold['baselines'] = [{ name: 'naive', kind: 'baseline', metrics: score(targets.map(() => target[fold.origin])) }];
    const m = input.seasonLength;
    if (m !== null && targets.every((t) => seasonalSourceRow(t, m) >= fold.trainStart)) {
      baselines.push({ name: 'seasonal-naive', kind: 'baseline', metrics: score(targets.map((t) => target[seasonalSourceRow(t, m)])) });
    }
    const referenceWarnings: string[] = [];
    const references = fitReferences(target.slice(fold.trainStart, fold.origin + 1), rows, m, referenceWarnings);
    try {
      for (const reference of references) {
        const forecast = reference.forecast(rows - 1, refit.horizon);
        if (forecast.every(Number.isFinite)) baselines.push({ name: reference.name, kind: 'reference', metrics: score(forecast) });
        else referenceWarnings.push(`The ${reference.name} reference is left out of fold ${j + 1} of the refit backtest: some of its forecasts are not finite numbers.`);
      }
    } finally {
      for (const reference of references) reference.dispose();
    }
    for (const w of referenceWarnings) foldWarnings.add(`Refit backtest: ${w}`);
    out.push({ fold: j + 1, ...fold, network: score(path), baselines });
    input.onFold?.(j + 1, folds.length);
  }
  warnings.push(...foldWarnings);
  return { window: refit.window, horizon: refit.horizon, trainings, folds: out };
}
