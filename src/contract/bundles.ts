/**
 * Model bundles: the folder a finished run is exported to (see src/engine/bundle and docs/BUNDLE.md).
 *
 * - `BundleMetadataSchema` is the content of the bundle's metadata.json (the RunResult minus the bulky
 *   predictions, plus the format name/version and what is needed to forecast again).
 * - `BundleSummarySchema` is what the UI shows for an opened bundle ('bundles:open-path').
 * - `BundlePredictionSchema` is the result of applying a bundle to a new CSV ('bundles:predict').
 */
import { z } from 'zod';
import { MISSING_POLICIES, RunConfigSchema, WINDOWINGS } from './run-config.js';
import {
  BaselineResultSchema,
  DatasetInfoSchema,
  ForecastPointSchema,
  MetricSetSchema,
  PredictionIntervalsSchema,
  RunResultSchema,
  ScalerStateSchema,
} from './run-result.js';

/** Value of metadata.json's `format`. */
export const BUNDLE_FORMAT = 'forecast-workbench-bundle';
/** Version of the bundle layout this build writes; it reads this version and older ones. */
export const BUNDLE_FORMAT_VERSION = 1;

export const BUNDLE_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  metadata: 'metadata.json',
  predictions: 'predictions.csv',
  forecast: 'forecast.csv',
  lossHistory: 'loss-history.csv',
  readme: 'README.txt',
  /** The model as ONNX (RNN/LSTM/GRU operators + the Dense head) and the scaler/windowing to feed it. */
  onnx: 'model.onnx',
  onnxPreprocessing: 'preprocessing.json',
} as const;

/** How the model's inputs are cut from a series: enough to window new data the same way. */
export const BundleWindowingSchema = z.object({
  timeSteps: z.number().int().min(1),
  windowing: z.enum(WINDOWINGS),
  /** Values predicted per window (the Dense head's units; 1 = next value). */
  horizon: z.number().int().min(1),
  /** Feature order of the model's input, target first (same order as the scaler's min/max). */
  features: z.array(z.string()).min(1),
  /** The model's input shape without the batch dimension: [timeSteps, features.length]. */
  inputShape: z.tuple([z.number().int(), z.number().int()]),
});
export type BundleWindowing = z.infer<typeof BundleWindowingSchema>;

export const BundleSplitSchema = z.object({
  trainFraction: z.number(),
  validationFraction: z.number(),
  /** First row of the test part in the training series. */
  splitIndex: z.number().int(),
  scalerFit: z.enum(['all', 'train']),
});
export type BundleSplit = z.infer<typeof BundleSplitSchema>;

export const BundleMetadataSchema = RunResultSchema.omit({ predictions: true, bundleDir: true }).extend({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.number().int().min(1),
  /** ISO 8601 time the bundle was written. */
  createdAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  /** Policy for missing values that was applied to the training data (and is applied to new data). */
  missingPolicy: z.enum(MISSING_POLICIES),
  windowing: BundleWindowingSchema,
  split: BundleSplitSchema,
  /** Scaler state plus the feature names its min/max belong to. */
  scaler: ScalerStateSchema.extend({ features: z.array(z.string()) }),
  /** Files in the bundle, by role. Charts are listed as written (PNG only where a rasteriser worked). */
  files: z.object({
    model: z.string(),
    weights: z.array(z.string()).min(1),
    predictions: z.string(),
    forecast: z.string(),
    lossHistory: z.string(),
    charts: z.array(z.string()),
    readme: z.string(),
  }),
});
export type BundleMetadata = z.infer<typeof BundleMetadataSchema>;

export const BundleSummarySchema = z.object({
  /** Absolute path of the bundle folder. */
  dir: z.string(),
  /** Folder name, as shown to people. */
  name: z.string(),
  createdAt: z.string(),
  formatVersion: z.number().int(),
  runId: z.string(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  dataset: DatasetInfoSchema,
  config: RunConfigSchema,
  seed: z.number().int(),
  samples: RunResultSchema.shape.samples,
  windowing: BundleWindowingSchema,
  parameterCount: z.number().int(),
  stopReason: RunResultSchema.shape.stopReason,
  bestEpoch: z.number().int(),
  epochs: z.number().int(),
  trainSeconds: z.number(),
  metrics: RunResultSchema.shape.metrics,
  baselines: z.array(BaselineResultSchema),
  forecast: z.array(ForecastPointSchema),
  /** Files found in the folder (names only). */
  files: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type BundleSummary = z.infer<typeof BundleSummarySchema>;

export const BundlePredictionRowSchema = z.object({
  /** Row index in the new (cleaned) series of the predicted value. */
  index: z.number().int(),
  time: z.string().nullable(),
  /** Steps ahead of the window's end (1 = next value). */
  step: z.number().int().min(1),
  actual: z.number(),
  predicted: z.number(),
});
export type BundlePredictionRow = z.infer<typeof BundlePredictionRowSchema>;

export const BundlePredictionSchema = z.object({
  bundleDir: z.string(),
  /** The new data as loaded with the bundle's columns and missing-value policy. */
  dataset: DatasetInfoSchema,
  windowing: BundleWindowingSchema,
  /** Number of windows predicted (0 when the data holds exactly one window's inputs and no target). */
  windows: z.number().int(),
  /** Predictions in original units, one row per window and step. */
  predictions: z.array(BundlePredictionRowSchema),
  /** Errors of the predictions against the actual values (scaled by the SAVED scaler, and original units); null without predictions. */
  metrics: MetricSetSchema.nullable(),
  /** Forecast beyond the last row, original units. */
  forecast: z.array(ForecastPointSchema),
  /**
   * The bundle's split-conformal bands applied to these predictions (per step ahead) and to the forecast (per
   * forecast step; steps beyond the bundle's own are unbounded, null), with the coverage measured on this data.
   * Null or absent: the bundle has no intervals.
   */
  intervals: PredictionIntervalsSchema.nullable().optional(),
  /** True when the new file is byte-for-byte the file the model was trained on. */
  sameDataAsTraining: z.boolean(),
  warnings: z.array(z.string()),
});
export type BundlePrediction = z.infer<typeof BundlePredictionSchema>;
