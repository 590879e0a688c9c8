/**
 * The evaluation step of a run, after training and before the bundle: predictions on every split through the
 * trainer's predictor (in chunks, reporting progress), metrics per split, baselines, backtest and forecast
 * ahead, gathered into the RunResult (without a bundle folder). It writes nothing.
 *
 * A trained run is never lost to a reporting step: baselines, backtest and forecast each run guarded, and one
 * that throws or yields values that cannot be stored (non-finite numbers) is left out with a warning.
 */
import type { z } from 'zod';
import type { RunConfig } from '../../contract/run-config.js';
import {
  BacktestFoldSchema,
  BaselineResultSchema,
  ForecastPointSchema,
  MetricSetSchema,
  PredictionIntervalsSchema,
  RefitBacktestSchema,
  type RunResult,
} from '../../contract/run-result.js';
import type { PreparedData } from '../data/prepare.js';
import { datasetInfo, type SeriesData } from '../data/series.js';
import { sliceWindows, type Windows } from '../data/windows.js';
import type { TrainerName, TrainOutcome, WindowPredictor } from '../train/trainer.js';
import { trainerNamed } from '../train/choose-trainer.js';
import { DIVERGENCE_ADVICE } from '../train/batch-pacing.js';
import { versions } from '../versions.js';
import { runBacktest } from './backtest.js';
import { computeBaselines, detectSeasonLength } from './baselines.js';
import type { EvaluationContext } from './context.js';
import { forecastAhead } from './forecast.js';
import { networkFromOrigin } from './from-origin.js';
import { predictionIntervals } from './intervals.js';
import { refitBacktest } from './refit-backtest.js';
import { maseScale } from './metrics.js';
import { scorePart, type ScoredPart } from './test-targets.js';
import { runVerdict } from './verdict.js';

export interface EvaluationInput {
  runId: string;
  backend: string;
  trainer: TrainerName;
  /** The configuration as run, with its seed. */
  config: RunConfig;
  series: SeriesData;
  prepared: PreparedData;
  predict: WindowPredictor;
  parameterCount: number;
  outcome: TrainOutcome;
  /** Warnings so far (training's); the evaluation adds its own. */
  warnings: string[];
  /** Fraction of the evaluation done, 0..1, a few times a second at most for long evaluations. */
  onProgress?: (fraction: number) => void;
  /** The refit backtest's progress, after the rest of the evaluation: before each origin's training and at its end. */
  onRefit?: (done: number, total: number) => void;
  /** The run's Stop: ends the refit backtest's extra trainings (the trained model and its results stay). */
  signal?: AbortSignal;
}

/** Windows per predictor call: small enough to report progress and let messages in between, large enough to batch. */
const PREDICT_CHUNK = 4096;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The predictor over all windows, chunk by chunk, calling `onChunk(samplesDone)` after each. */
export async function predictInChunks(predict: WindowPredictor, w: Windows, onChunk: (samples: number) => void = () => {}): Promise<Float32Array> {
  if (w.samples <= PREDICT_CHUNK) {
    const out = predict(w);
    onChunk(w.samples);
    return out;
  }
  const out = new Float32Array(w.samples * w.horizon);
  for (let from = 0; from < w.samples; from += PREDICT_CHUNK) {
    const to = Math.min(w.samples, from + PREDICT_CHUNK);
    out.set(predict(sliceWindows(w, from, to, { share: true })), from * w.horizon);
    onChunk(to - from);
    await yieldToEventLoop();
  }
  return out;
}

/**
 * Run one reporting step; if it throws, or its output does not pass `schema` (e.g. an infinite error of a
 * series near 1e300), it is skipped with a warning and `fallback` stands in.
 */
async function reportingStep<T>(what: string, warnings: string[], fallback: T, schema: z.ZodType<T>, step: () => T | Promise<T>): Promise<T> {
  try {
    const value = await step();
    const checked = schema.safeParse(value);
    if (!checked.success) {
      warnings.push(`${what} was left out: its values cannot be stored (${checked.error.issues[0]?.message ?? 'invalid'}).`);
      return fallback;
    }
    return value;
  } catch (error) {
    warnings.push(`${what} was left out: ${describeError(error)}`);
    return fallback;
  }
}

/** A sentence for an error, never empty. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message.trim() : String(error ?? '').trim();
  if (message) return message;
  const name = error instanceof Error ? error.name : typeof error;
  return `an unexpected ${name} without a message was thrown.`;
}

export async function evaluateRun(input: EvaluationInput): Promise<RunResult> {
  const { config, series, prepared, predict, outcome, warnings } = input;
  const progress = progressReporter(input.onProgress);
  const parts: Array<{ windows: Windows; offset: number; split: 'train' | 'validation' | 'test' }> = [
    { windows: prepared.train, offset: prepared.offsets.train, split: 'train' },
    ...(prepared.validation ? [{ windows: prepared.validation, offset: prepared.offsets.train, split: 'validation' as const }] : []),
    { windows: prepared.test, offset: prepared.offsets.test, split: 'test' },
  ];
  const totalSamples = parts.reduce((sum, p) => sum + p.windows.samples, 0);
  // Predictions are most of the work; the reporting steps share the last tenth.
  let done = 0;
  const predictions: Record<string, Float32Array> = {};
  for (const part of parts) {
    predictions[part.split] = await predictInChunks(predict, part.windows, (samples) => {
      done += samples;
      progress(0.9 * (done / Math.max(1, totalSamples)));
    });
  }

  const seasonLength =
    config.evaluation.seasonLength ?? detectSeasonLength(series.features[0].subarray(0, prepared.splitIndex), undefined, series.time?.slice(0, prepared.splitIndex) ?? null);
  // MASE scales by the one-step naive error unless the analyst set a season length.
  const season = config.evaluation.seasonLength ?? 1;
  const scale = {
    scaled: maseScale(prepared.target.scaled.subarray(0, prepared.splitIndex), season),
    original: maseScale(series.features[0].subarray(0, prepared.splitIndex), season),
  };
  const scoring = { prepared, series, scale };
  const scored: Record<string, ScoredPart> = {};
  for (const part of parts) scored[part.split] = scorePart(scoring, part.windows, part.offset, predictions[part.split], part.split);
  const metricsOf = (split: string) => scored[split].metrics;

  const divergence = divergenceWarning(metricsOf('train').rmse, metricsOf('test').rmse);
  if (divergence) warnings.push(divergence);

  const context: EvaluationContext = { config, series, prepared, predict, seasonLength, scale, testPredictionsScaled: predictions.test };
  const forecast = await reportingStep('The forecast ahead', warnings, [], ForecastPointSchema.array(), () => forecastAhead(context, warnings));
  progress(0.93);
  const baselines = await reportingStep('The baselines', warnings, [], BaselineResultSchema.array(), () => computeBaselines(context, warnings));
  progress(0.96);
  const backtest = await reportingStep('The backtest', warnings, [], BacktestFoldSchema.array(), () => runBacktest(context, warnings));
  const testFromOrigin = await reportingStep('The from-origin score', warnings, null, MetricSetSchema.nullable(), () => networkFromOrigin(context, predict, warnings));
  const intervals = await reportingStep('The prediction intervals', warnings, null, PredictionIntervalsSchema.nullable(), () =>
    predictionIntervals(context, predict, predictions.validation ?? null, forecast.length),
  );
  progress(1);
  // The refit backtest's extra trainings come last, in their own phase (onRefit), and end at Stop.
  const refit = await reportingStep('The refit backtest', warnings, null, RefitBacktestSchema.nullable(), () =>
    refitBacktest({
      config,
      series,
      seasonLength,
      basis: scoring,
      trainer: trainerNamed(input.trainer),
      warnings,
      signal: input.signal,
      onFold: input.onRefit,
    }),
  );

  return {
    runId: input.runId,
    backend: input.backend,
    trainer: input.trainer,
    config,
    seed: config.training.seed!,
    dataset: datasetInfo(series),
    scaler: { min: [...prepared.scaler.min], max: [...prepared.scaler.max], fittedOn: config.prep.scalerFit },
    targetTransform: prepared.target.state(),
    samples: {
      train: prepared.train.samples,
      validation: prepared.validation?.samples ?? 0,
      test: prepared.test.samples,
      splitIndex: prepared.splitIndex,
    },
    parameterCount: input.parameterCount,
    history: outcome.history,
    stopReason: outcome.stopReason,
    bestEpoch: outcome.bestEpoch,
    trainSeconds: outcome.seconds,
    metrics: {
      train: metricsOf('train'),
      validation: prepared.validation ? metricsOf('validation') : null,
      test: metricsOf('test'),
      testFromOrigin,
    },
    baselines,
    verdict: runVerdict({ test: metricsOf('test'), testFromOrigin }, baselines),
    seasonLength,
    backtest,
    refitBacktest: refit,
    predictions: parts.flatMap((p) => scored[p.split].rows),
    forecast,
    intervals,
    bundleDir: null,
    versions: versions(),
    warnings,
  };
}

/**
 * The series is scaled to [0, 1] (on the training part at least), so an RMSE above 1 in scaled units means
 * predictions miss by more than the whole range of the data: training diverged even though the loss stayed
 * finite (a learning rate of 10 with relu "finishes" with test RMSE 4e11). Said in a sentence, with the fix.
 */
export function divergenceWarning(trainRmse: number, testRmse: number): string | null {
  const worst = Math.max(trainRmse, testRmse);
  if (!(worst > 1)) return null;
  return (
    `The model's errors exceed the whole range of the data (RMSE ${worst.toPrecision(3)} in scaled units, where the data spans 0 to 1): ` +
    `training diverged. ${DIVERGENCE_ADVICE}`
  );
}

/** Calls `report` with increasing fractions, at most every 100 ms (and always with 1). */
function progressReporter(report: ((fraction: number) => void) | undefined): (fraction: number) => void {
  let last = -Infinity;
  return (fraction) => {
    if (!report) return;
    const now = performance.now();
    if (fraction >= 1 || now - last >= 100) {
      last = now;
      report(Math.min(1, fraction));
    }
  };
}
