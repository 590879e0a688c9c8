/**
 * Applying a bundle to new data: load the CSV with the bundle's columns and missing-value policy, scale
 * with the SAVED scaler (never refitted), window the whole series as in training, predict, measure the
 * errors against the actual values, and forecast beyond the end.
 */
import { basename, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { checkColumnMap, type BundleColumnMap, type BundlePrediction, type BundlePredictionRow } from '../../contract/bundles.js';
import { EvaluationSpecSchema, InvalidInputError } from '../../contract/run-config.js';
import type { ForecastPoint } from '../../contract/run-result.js';
import { inspectCsv } from '../data/csv/inspect.js';
import { loadSeries, type SeriesSpec } from '../data/load-series.js';
import { MinMaxScaler } from '../data/scaler.js';
import { datasetInfo, type SeriesData } from '../data/series.js';
import { modelFeatures, TargetSpace, transformGap } from '../data/transforms.js';
import { makeWindows } from '../data/windows.js';
import type { PreparedData } from '../data/prepare.js';
import { predictInChunks } from '../evaluate/evaluate-run.js';
import { applyIntervals } from '../evaluate/intervals.js';
import { forecastAhead } from '../evaluate/forecast.js';
import { maseScale } from '../evaluate/metrics.js';
import { scorePart } from '../evaluate/test-targets.js';
import { trainerNamed } from '../train/choose-trainer.js';
import { loadCheckedModel, readBundleMetadata } from './read.js';

export interface PredictWithBundleOptions {
  /** Steps to forecast beyond the end; default: the bundle's config.evaluation.forecastSteps. */
  steps?: number;
  /**
   * Which column of the new file stands for each column the bundle expects, e.g. { Passengers: 'Total' }
   * (BundleColumnMap); columns not named are read by their own name.
   */
  columns?: BundleColumnMap;
}

/** The most forecast steps a run may ask for (the run configuration's limit). */
const MAX_STEPS = EvaluationSpecSchema.shape.forecastSteps.unwrap().maxValue ?? Infinity;

export async function predictWithBundle(dir: string, csvPath: string, options: PredictWithBundleOptions = {}): Promise<BundlePrediction> {
  const { dir: folder, metadata: m } = await readBundleMetadata(dir);
  const steps = options.steps ?? m.config.evaluation.forecastSteps;
  if (!Number.isInteger(steps) || steps < 0 || steps > MAX_STEPS) {
    throw new InvalidInputError(`The number of forecast steps must be a whole number from 0 to ${MAX_STEPS}; got ${steps}.`);
  }
  const { timeSteps, windowing, horizon, features } = m.windowing;
  // The file's columns the model reads (a categorical one once, not its one-hot inputs, no calendar features); bundles from before one-hot inputs name them in the dataset.
  const calendarFeatures = m.config.data.calendarFeatures ?? [];
  const expectedInputs = Object.keys(m.dataset.categories).length || calendarFeatures.length ? m.config.data.inputColumns : m.dataset.inputColumns;
  const fileName = basename(csvPath);
  const expectedText = `target "${m.dataset.column}"` + (expectedInputs.length ? ` and input columns ${expectedInputs.map((c) => `"${c}"`).join(', ')}` : '');
  // The file's own column for each expected one (the mapping, else the same name).
  const columnMap = options.columns ?? {};
  const mapProblem = checkColumnMap([m.dataset.column, ...expectedInputs], columnMap);
  if (mapProblem) throw new InvalidInputError(`The column mapping does not fit this bundle, which needs ${expectedText}: ${mapProblem}`);
  const target = columnMap[m.dataset.column] ?? m.dataset.column;
  const inputs = expectedInputs.map((c) => columnMap[c] ?? c);
  const renamed = target !== m.dataset.column || inputs.some((c, i) => c !== expectedInputs[i]);
  const columnsText = renamed ? `${expectedText} (mapped to ${[target, ...inputs].map((c) => `"${c}"`).join(', ')})` : expectedText;
  // A mapped categorical column keeps the bundle's categories under the file's own name.
  const categories = Object.fromEntries(Object.entries(m.dataset.categories).map(([column, values]) => [columnMap[column] ?? column, values]));

  let series: SeriesData;
  let timeColumn = m.dataset.timeColumn;
  try {
    // The time column only labels rows: new data without it is numbered instead.
    if (timeColumn) {
      const inspection = await inspectCsv(resolve(csvPath));
      const names = [...inspection.columns.map((c) => c.name), inspection.composedTime?.name];
      if (!names.includes(timeColumn)) timeColumn = null;
    }
    // The training data's resampling applies to the new file too; its date range picked training rows and does not.
    const spec: SeriesSpec = { path: resolve(csvPath), column: target, inputColumns: inputs, timeColumn, missing: m.missingPolicy, resample: m.config.data.resample, calendarFeatures };
    series = await loadSeries(spec, { categories });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(`${fileName} does not fit this bundle, which needs ${columnsText}: ${error.message}`, error.problems);
  }
  if (series.features.length !== features.length || series.column !== target || (!renamed && series.inputColumns.join('\n') !== features.slice(1).join('\n'))) {
    throw new InvalidInputError(`${fileName} does not fit this bundle, which needs ${columnsText}: its columns were read as ${[series.column, ...series.inputColumns].join(', ')}.`);
  }
  const n = series.features[0].length;
  // The target goes through the run's transforms (fitted when it trained); differencing uses up the first rows.
  const transform = m.targetTransform ?? null;
  const gap = transform ? transformGap(transform.steps) : 0;
  if (n < timeSteps + gap) {
    throw new InvalidInputError(
      `${fileName} has ${n} usable rows; this bundle's model needs at least ${timeSteps + gap} (one window of ${timeSteps} time steps` +
        (gap > 0 ? ` after the ${gap} rows its differencing uses up` : '') +
        `), and ${timeSteps + gap + horizon} to compare a prediction with an actual value.`,
    );
  }

  const model = await loadCheckedModel(folder, m);
  try {
    const warnings: string[] = [];
    for (const [expected, own] of Object.entries(columnMap)) if (own !== expected) warnings.push(`${fileName}'s column "${own}" was used as the model's "${expected}".`);
    if (m.dataset.timeColumn && !timeColumn) warnings.push(`${fileName} has no "${m.dataset.timeColumn}" column; its rows are numbered instead.`);
    const scaler = MinMaxScaler.fromState(m.scaler);
    const { features: inputs, levels } = modelFeatures(series.features, transform);
    const scaled = inputs.map((f, i) => scaler.transform(f, i));
    const target =
      transform && levels
        ? TargetSpace.transformed(series.features[0], transform.steps, scaler, transform.original, levels)
        : TargetSpace.untransformed(series.features[0], scaler, scaled[0]);
    inputs.forEach((values, f) => {
      let outside = 0;
      for (const v of values) if (v < m.scaler.min[f] || v > m.scaler.max[f]) outside++;
      if (outside > 0) {
        warnings.push(
          `${outside} value(s) of "${features[f]}" lie outside the range the model was trained on (${m.scaler.min[f]} to ${m.scaler.max[f]}); predictions there are extrapolations.`,
        );
      }
    });
    if (series.missingHandled > 0) {
      warnings.push(`${series.missingHandled} row(s) had missing values, handled by the bundle's policy "${m.missingPolicy}".`);
    }

    const windows = makeWindows(
      scaled.map((f) => f.subarray(gap)),
      scaled[0].subarray(gap),
      { timeSteps, windowing, horizon },
    );
    // The trainer that trained the bundle predicts with it (the same inference as the run's evaluation).
    const predict = trainerNamed(m.trainer).predictor(model, m.config.model);
    const predictedScaled = await predictInChunks(predict, windows);
    const season = m.seasonLength ?? 1;
    const basis = {
      prepared: { target },
      series,
      scale: { scaled: maseScale(target.scaled, season), original: maseScale(series.features[0], season) },
    };
    // The series is windowed whole, after the rows differencing uses up.
    const scored = scorePart(basis, windows, gap, predictedScaled, 'test');
    const predictions: BundlePredictionRow[] = scored.rows.map(({ split: _split, ...row }) => row);
    const metrics = windows.samples > 0 ? scored.metrics : null;
    if (windows.samples === 0) warnings.push(`${fileName} holds one window's inputs but no value after it, so there is nothing to compare with.`);

    // The same forecast as a training run (src/engine/evaluate/forecast.ts): recursive for a univariate
    // input or calendar-feature inputs; with other input columns only the head's outputUnits steps (their future is unknown).
    // forecastAhead reads config, series, prepared.scaled/.target and the predictor from the context.
    const forecast: ForecastPoint[] = await forecastAhead(
      {
        config: { ...m.config, evaluation: { ...m.config.evaluation, forecastSteps: steps } },
        series,
        prepared: { scaled, scaler, target } as unknown as PreparedData,
        predict,
        seasonLength: m.seasonLength,
        scale: { scaled: null, original: null },
        testPredictionsScaled: new Float32Array(0),
      },
      warnings,
    );

    return {
      bundleDir: folder,
      dataset: datasetInfo(series),
      windowing: m.windowing,
      windows: windows.samples,
      predictions,
      metrics,
      forecast,
      intervals: m.intervals ? applyIntervals(m.intervals, predictions) : null,
      sameDataAsTraining: series.sha256 === m.dataset.sha256,
      warnings,
    };
  } finally {
    (model as tf.LayersModel).dispose();
  }
}
