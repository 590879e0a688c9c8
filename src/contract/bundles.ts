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

/** The charts a bundle may hold (SVG always, PNG where a rasteriser worked). */
export const BUNDLE_CHART_FILES = ['loss.svg', 'predictions.svg', 'loss.png', 'predictions.png'] as const;

/** Every file name a bundle folder may hold: the only names a bundle archive (zip) may carry. */
export const BUNDLE_FILE_NAMES: readonly string[] = [...Object.values(BUNDLE_FILES), ...BUNDLE_CHART_FILES];

/** Limits on a bundle archive (zip) a host accepts: compressed size, entries, and bytes once unpacked. */
export const BUNDLE_ARCHIVE_LIMITS = {
  archiveBytes: 256 * 1024 * 1024,
  entries: 64,
  unpackedBytes: 768 * 1024 * 1024,
} as const;

/** A bundle the host can reopen without a path: one opened or uploaded recently, or the bundle of a recent run. */
export const RecentBundleSchema = z.object({
  /** The host's handle for the bundle ('bundles:open-recent'); never a path. */
  id: z.string().min(1),
  /** Folder or archive name, as shown to people. */
  name: z.string(),
  kind: z.enum(['bundle', 'run']),
  /** ISO 8601: when it was last opened (bundles) or finished (runs). */
  at: z.string(),
  /** One line about it: the target column and model. */
  detail: z.string(),
});
export type RecentBundle = z.infer<typeof RecentBundleSchema>;

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
  /**
   * The bundle folder as this host names it to the renderer: its path in the CLI and on the desktop, the
   * host's handle (see RecentBundleSchema.id) in browser mode, so that no server path leaves the server.
   */
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

/**
 * For predicting with a bundle: which column of the new file stands for each column the bundle expects
 * (its windowing.features), e.g. { Passengers: 'Total' }. Columns not named are read by their own name.
 */
export const BundleColumnMapSchema = z.record(z.string().min(1).max(1000), z.string().min(1).max(1000));
export type BundleColumnMap = z.infer<typeof BundleColumnMapSchema>;

/** Why a column map does not fit a bundle's features (a sentence), or null when it does. */
export function checkColumnMap(features: readonly string[], map: BundleColumnMap): string | null {
  const unknown = Object.keys(map).filter((k) => !features.includes(k));
  if (unknown.length) return `it maps ${unknown.map((k) => `"${k}"`).join(', ')}, which the model does not use.`;
  const used = features.map((f) => map[f] ?? f);
  const twice = used.find((c, i) => used.indexOf(c) !== i);
  if (twice) return `the file's column "${twice}" would feed two of the model's columns.`;
  return null;
}

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
  /** As BundleSummary.dir. */
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
