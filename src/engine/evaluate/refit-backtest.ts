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
 * and the tail is never scored); the forecast reads only rows up to the origin, and, with calendar features,
 * their values at the forecast rows (known from the time labels), through the fold's own scaler.
 *
 * Stop (the run's AbortSignal) reaches every fold's training, which ends within a batch; the fold cut short and
 * the origins after it are left out, and the result says it was stopped (`stopped`, and a warning). The
 * references of a fold are fitted in one synchronous step: a Stop during it is seen once it ends, before the
 * next fold.
 */
import { InvalidInputError, type RunConfig } from '../../contract/run-config.js';
import type { MetricSet, RefitBacktest, RefitFold } from '../../contract/run-result.js';
import { refitFolds, refitProblem } from '../../contract/window-plan.js';
import { prepareData } from '../data/prepare.js';
import type { SeriesData } from '../data/series.js';
import { buildModel } from '../model/build.js';
import type { Trainer } from '../train/trainer.js';
import { seasonalSourceRow } from './baselines.js';
import { recursiveFromOrigin, seriesInputs } from './from-origin.js';
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
  /** The run's Stop: ends the fold's training within a batch and the backtest with it. */
  signal?: AbortSignal;
  /** Before each fold's training and after the last: folds done of all. */
  onFold?: (done: number, total: number) => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  const { config, series, basis, trainer, warnings, signal } = input;
  const refit = config.evaluation.refit;
  if (!refit) return null;
  const n = series.features[0].length;
  // The run refuses these before training (run.ts); a direct call is refused the same way.
  const problem = refitProblem(n, config);
  if (problem) throw new InvalidInputError(problem.message);
  const { timeSteps } = config.prep;
  const units = config.model.outputUnits;
  const folds = refitFolds(n, refit.origins, refit.horizon, refit.window);
  const seed = config.training.seed ?? 0;
  const foldWarnings = new Set<string>();
  const out: RefitFold[] = [];
  let trainings = 0;
  let stopped = false;
  for (const [j, fold] of folds.entries()) {
    if (signal?.aborted) {
      stopped = true;
      break;
    }
    input.onFold?.(j, folds.length);
    const rows = fold.origin + 1 - fold.trainStart;
    const data = foldSeries(series, fold.trainStart, fold.origin, timeSteps + units);
    const prepared = prepareData(data, { ...config.prep, testSize: timeSteps + units, scalerFit: 'train' }, units);
    const model = buildModel(config.model, { timeSteps, features: prepared.train.features, seed });
    let path: Float64Array;
    try {
      trainings++;
      const outcome = await trainer.train({ model, spec: config.model, train: prepared.train, validation: prepared.validation, training: { ...config.training, seed }, signal });
      // A Stop that came as the training ended is seen before the fold's references (seconds of fitting) begin.
      await yieldToEventLoop();
      if (outcome.stopReason === 'user' || signal?.aborted) {
        stopped = true;
        break;
      }
      const predict = trainer.predictor(model, config.model);
      // Fold rows are series rows from trainStart on: the known inputs of row r are the series' row trainStart + r.
      const known = seriesInputs(series.features, prepared.scaler);
      const recursion = { scaled: prepared.scaled, inputsAt: (row: number) => known(fold.trainStart + row) };
      const scaled = await recursiveFromOrigin(predict, recursion, rows - 1, timeSteps, units, refit.horizon);
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
  }
  warnings.push(...foldWarnings);
  if (stopped) {
    if (out.length === 0) {
      warnings.push(
        trainings === 0
          ? `No refit backtest: the run was stopped by the user before its ${folds.length} extra trainings began.`
          : `No refit backtest: it was stopped by the user during the training at its first of ${folds.length} origins.`,
      );
      return null;
    }
    warnings.push(
      `The refit backtest was stopped by the user after ${out.length} of ${folds.length} origins: its table shows only those ${out.length}, not the whole backtest.`,
    );
  } else {
    input.onFold?.(folds.length, folds.length);
  }
  return { window: refit.window, horizon: refit.horizon, trainings, origins: folds.length, stopped, folds: out };
}
