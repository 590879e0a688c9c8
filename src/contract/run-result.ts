/**
 * What a finished run reports: losses, metrics, baselines, predictions, forecast and where its bundle is.
 * Produced by the engine (`runForecast`), streamed from the training process, shown by the renderer,
 * printed by the CLI's `--json`, and stored in the bundle's metadata.
 */
import { z } from 'zod';
import { SeriesPreviewSchema } from './datasets.js';
import { RunConfigSchema, TRAINER_NAMES } from './run-config.js';

/** Error measures of one set of predictions. MAPE is null where every actual value is 0; MASE is null without a scale. */
export const ErrorMeasuresSchema = z.object({
  rmse: z.number(),
  mae: z.number(),
  mape: z.number().nullable(),
  smape: z.number().nullable(),
  mase: z.number().nullable(),
});
export type ErrorMeasures = z.infer<typeof ErrorMeasuresSchema>;

/** Scaled-unit measures at the top level (as the tutorial prints them) plus the same in original units. */
export const MetricSetSchema = ErrorMeasuresSchema.extend({
  original: ErrorMeasuresSchema,
  count: z.number().int(),
});
export type MetricSet = z.infer<typeof MetricSetSchema>;

export const EpochRecordSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  valLoss: z.number().nullable(),
  /** Seconds this epoch took (training and validation loss), not the time since training began. */
  seconds: z.number(),
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

export const PredictionRowSchema = z.object({
  /** Row index in the (cleaned) series of the predicted value. */
  index: z.number().int(),
  /** Time label of that row (from the time column), or null. */
  time: z.string().nullable(),
  split: z.enum(['train', 'validation', 'test']),
  /** Steps ahead of the window's end (1 = next value; up to the output units for direct multi-step). */
  step: z.number().int().min(1),
  actual: z.number(),
  predicted: z.number(),
});
export type PredictionRow = z.infer<typeof PredictionRowSchema>;

export const BaselineResultSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** One-step-ahead: each test target forecast from the actual values up to its window's end, as the model's. */
  test: MetricSetSchema,
  /** A simple rule (naive, seasonal naive, mean) or a statistical model fitted on the training part (ETS, Theta, ARIMA). */
  kind: z.enum(['baseline', 'reference']).optional(),
  /** From the origin: the same targets forecast from the end of training, using no test actuals (null: not possible). */
  fromOrigin: MetricSetSchema.nullable().optional(),
  /** Its one-step-ahead test forecasts, original units: one per test row of the result's `predictions`, in their order. */
  testPredicted: z.array(z.number()).optional(),
});
export type BaselineResult = z.infer<typeof BaselineResultSchema>;

/** The best of the baselines and statistical references on one protocol's test RMSE (original units), against the network's. */
export const ProtocolVerdictSchema = z.object({
  /** Name of the best baseline or reference (e.g. "arima"), and which kind it is. */
  best: z.string(),
  kind: z.enum(['baseline', 'reference']),
  bestRmse: z.number(),
  /** The network's test RMSE under the same protocol. */
  modelRmse: z.number(),
  /** True when the network's RMSE is lower than the best one's. */
  beatsBest: z.boolean(),
});
export type ProtocolVerdict = z.infer<typeof ProtocolVerdictSchema>;

/** The run's verdict: the network against the single best baseline or reference, one step ahead and from the origin. */
export const RunVerdictSchema = z.object({
  oneStep: ProtocolVerdictSchema,
  /** Null when the network or no baseline has a from-origin score. */
  fromOrigin: ProtocolVerdictSchema.nullable(),
  /** The verdict as one sentence for people (the CLI prints it; the UI may show it). */
  text: z.string(),
});
export type RunVerdict = z.infer<typeof RunVerdictSchema>;

export const BacktestFoldSchema = z.object({
  fold: z.number().int(),
  /** Series row indices of the fold's first and last target. */
  start: z.number().int(),
  end: z.number().int(),
  metrics: MetricSetSchema,
});
export type BacktestFold = z.infer<typeof BacktestFoldSchema>;

/** One origin of a refit backtest: the network retrained and the baselines/references refitted on the rows up to it. */
export const RefitFoldSchema = z.object({
  fold: z.number().int(),
  /** Series rows the fold trained on: trainStart..origin (origin = the last training row). */
  trainStart: z.number().int(),
  origin: z.number().int(),
  /** Series rows of the first and last target forecast from the origin. */
  start: z.number().int(),
  end: z.number().int(),
  /** The retrained network's forecast from the origin (recursive, no actuals after the origin). */
  network: MetricSetSchema,
  /** Each baseline and reference fitted on the same rows, forecast from the same origin. */
  baselines: z.array(z.object({ name: z.string(), kind: z.enum(['baseline', 'reference']), metrics: MetricSetSchema })),
});
export type RefitFold = z.infer<typeof RefitFoldSchema>;

export const RefitBacktestSchema = z.object({
  window: z.enum(['expanding', 'sliding']),
  horizon: z.number().int(),
  /** Networks trained for the backtest (one per origin; when stopped, the one cut short counts too). */
  trainings: z.number().int(),
  /** Origins asked for; absent from results written before a refit backtest could be stopped. */
  origins: z.number().int().optional(),
  /** True when Stop ended the backtest early: `folds` holds only the origins finished before it, not the whole backtest. */
  stopped: z.boolean().optional(),
  folds: z.array(RefitFoldSchema),
});
export type RefitBacktest = z.infer<typeof RefitBacktestSchema>;

export const ForecastPointSchema = z.object({
  step: z.number().int(),
  /** Projected time label, or null when the time column has no regular step. */
  time: z.string().nullable(),
  value: z.number(),
});
export type ForecastPoint = z.infer<typeof ForecastPointSchema>;

/** A split-conformal band on the test predictions at one nominal level. */
export const IntervalBandSchema = z.object({
  /** Nominal coverage, e.g. 0.8. */
  level: z.number(),
  /** Half-width per step ahead (1..horizon), original units; null = unbounded (too few calibration errors). */
  halfWidth: z.array(z.number().nullable()),
  /** Share of the test actuals inside predicted ± half-width (measured, beside the nominal level). */
  coverage: z.number().nullable(),
});
export type IntervalBand = z.infer<typeof IntervalBandSchema>;

/** A band on the forecast beyond the data at one nominal level: half-width per forecast step. */
export const ForecastIntervalSchema = z.object({
  level: z.number(),
  halfWidth: z.array(z.number().nullable()),
});
export type ForecastInterval = z.infer<typeof ForecastIntervalSchema>;

export const PredictionIntervalsSchema = z.object({
  method: z.literal('split-conformal'),
  /** Where the out-of-sample errors come from. */
  calibration: z.literal('validation'),
  /** Calibration errors per step ahead. */
  calibrationSize: z.number().int(),
  test: z.array(IntervalBandSchema),
  forecast: z.array(ForecastIntervalSchema),
});
export type PredictionIntervals = z.infer<typeof PredictionIntervalsSchema>;

export const DatasetInfoSchema = z.object({
  path: z.string(),
  name: z.string(),
  sha256: z.string(),
  column: z.string(),
  inputColumns: z.array(z.string()),
  /** Categories of each categorical input column, by column name; its one-hot inputs ("cbwd=NE") are in inputColumns. */
  categories: z.record(z.string(), z.array(z.string())).default(() => ({})),
  timeColumn: z.string().nullable(),
  rows: z.number().int(),
  /** Rows changed by the missing-value policy (dropped or filled). */
  missingHandled: z.number().int(),
});
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;

export const ScalerStateSchema = z.object({
  /** Per feature (target first, then input columns): min and max the scaler was fitted on. */
  min: z.array(z.number()),
  max: z.array(z.number()),
  fittedOn: z.enum(['all', 'train']),
});
export type ScalerState = z.infer<typeof ScalerStateSchema>;

/**
 * What the host left out of a result it sent to a page (services/result-for-page.ts): the full predictions stay
 * on the host, in the bundle and its CSV; the page gets the one-step rows thinned with LTTB per split.
 */
export const PageThinningSchema = z.object({
  /** Prediction rows of the run (every split and step); the page got `predictions.length` of them. */
  predictionRows: z.number().int(),
  /** Histogram of every one-step residual (actual − predicted, original units): bin edges, counts per split. */
  residualHistogram: z.object({
    edges: z.array(z.number()),
    train: z.array(z.number().int()),
    test: z.array(z.number().int()),
  }),
});
export type PageThinning = z.infer<typeof PageThinningSchema>;
/** One transform as applied to the target before scaling, with what was fitted (the Box-Cox lambda). */
export const AppliedTransformSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('box-cox'), lambda: z.number() }),
  z.object({ kind: z.literal('difference'), lag: z.number().int().min(1) }),
]);
export type AppliedTransform = z.infer<typeof AppliedTransformSchema>;

/**
 * The target's transforms as applied (config.prep.transform and .difference, in order), and the min/max of the
 * target in original units that scaled metrics use when the model works on transformed values.
 */
export const TargetTransformStateSchema = z.object({
  steps: z.array(AppliedTransformSchema),
  original: z.object({ min: z.number(), max: z.number() }),
});
export type TargetTransformState = z.infer<typeof TargetTransformStateSchema>;

export const RunResultSchema = z.object({
  runId: z.string(),
  backend: z.string(),
  /** The trainer that trained the model (results and bundles from before trainers were recorded: tfjs). */
  trainer: z.enum(TRAINER_NAMES).default('tfjs'),
  /** The configuration as run, with the seed that was actually used. */
  config: RunConfigSchema,
  seed: z.number().int(),
  dataset: DatasetInfoSchema,
  scaler: ScalerStateSchema,
  /** Transforms of the target before scaling (null or absent: none); the scaler's min/max for the target are then of the transformed values. */
  targetTransform: TargetTransformStateSchema.nullable().optional(),
  samples: z.object({
    train: z.number().int(),
    validation: z.number().int(),
    test: z.number().int(),
    /** Row index where the test part of the series begins (the split line). */
    splitIndex: z.number().int(),
  }),
  parameterCount: z.number().int(),
  history: z.array(EpochRecordSchema),
  /**
   * Why training ended: all epochs ran, early stopping, the user pressed Stop, or the training process died
   * and the run was recovered from its last checkpoint.
   */
  stopReason: z.enum(['completed', 'early-stopping', 'user', 'crashed']),
  /** Epoch whose weights the model holds (1-based). */
  bestEpoch: z.number().int(),
  trainSeconds: z.number(),
  metrics: z.object({
    train: MetricSetSchema,
    validation: MetricSetSchema.nullable(),
    test: MetricSetSchema,
    /** The test targets forecast recursively from the end of training, using no test actuals (null: not possible). */
    testFromOrigin: MetricSetSchema.nullable().optional(),
  }),
  baselines: z.array(BaselineResultSchema),
  /** The network against the single best baseline or statistical reference on test RMSE (null: no baselines). */
  verdict: RunVerdictSchema.nullable().optional(),
  seasonLength: z.number().int().nullable(),
  backtest: z.array(BacktestFoldSchema),
  /** The rolling-origin backtest with refit (null or absent: not asked for, or not possible). */
  refitBacktest: RefitBacktestSchema.nullable().optional(),
  predictions: z.array(PredictionRowSchema),
  /** The whole target series (original units, after the missing-value policy) for the plot; thinned with LTTB on a page. */
  actualSeries: SeriesPreviewSchema.optional(),
  /** Set on a result a host thinned for a page. */
  thinned: PageThinningSchema.optional(),
  forecast: z.array(ForecastPointSchema),
  /** Split-conformal prediction intervals on the test predictions and the forecast (null: none). */
  intervals: PredictionIntervalsSchema.nullable().optional(),
  /** Folder of the run's bundle (model + metadata + predictions), or null if none was written. */
  bundleDir: z.string().nullable(),
  versions: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
});
export type RunResult = z.infer<typeof RunResultSchema>;
