/**
 * Applying a bundle to new data: load the CSV with the bundle's columns and missing-value policy, scale
 * with the SAVED scaler (never refitted), window the whole series as in training, predict, measure the
 * errors against the actual values, and forecast beyond the end.
 */
import { basename, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { BundlePrediction, BundlePredictionRow } from '../../contract/bundles.js';
import { InvalidInputError, type DataSpec } from '../../contract/run-config.js';
import type { ForecastPoint } from '../../contract/run-result.js';
import { inspectCsv } from '../data/csv/inspect.js';
import { loadSeries } from '../data/load-series.js';
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
import { loadBundleModel, readBundleMetadata } from './read.js';
import { modelShape } from './write.js';

export interface PredictWithBundleOptions {
  /** Steps to forecast beyond the end; default: the bundle's config.evaluation.forecastSteps. */
  steps?: number;
}

const MAX_STEPS = 10_000;

export async function predictWithBundle(dir: string, csvPath: string, options: PredictWithBundleOptions = {}): Promise<BundlePrediction> {
  const { dir: folder, metadata: m } = await readBundleMetadata(dir);
  const steps = options.steps ?? m.config.evaluation.forecastSteps;
  if (!Number.isInteger(steps) || steps < 0 || steps > MAX_STEPS) {
    throw new InvalidInputError(`The number of forecast steps must be a whole number from 0 to ${MAX_STEPS}; got ${steps}.`);
  }
  const { timeSteps, windowing, horizon, features } = m.windowing;
  const target = m.dataset.column;
  const inputs = m.dataset.inputColumns;
  const fileName = basename(csvPath);
  const columnsText = `target "${target}"` + (inputs.length ? ` and input columns ${inputs.map((c) => `"${c}"`).join(', ')}` : '');

  let series: SeriesData;
  let timeColumn = m.dataset.timeColumn;
  try {
    // The time column only labels rows: new data without it is numbered instead.
    if (timeColumn) {
      const inspection = await inspectCsv(resolve(csvPath));
      const names = [...inspection.columns.map((c) => c.name), inspection.composedTime?.name];
      if (!names.includes(timeColumn)) timeColumn = null;
    }
    const spec: DataSpec = { path: resolve(csvPath), column: target, inputColumns: inputs, timeColumn, missing: m.missingPolicy };
    series = await loadSeries(spec);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(`${fileName} does not fit this bundle, which needs ${columnsText}: ${error.message}`, error.problems);
  }
  if (series.features.length !== features.length || series.column !== target) {
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

  const model = await loadBundleModel(folder);
  try {
    const shape = modelShape(model);
    if (shape.timeSteps !== timeSteps || shape.features !== features.length || shape.horizon !== horizon) {
      throw new InvalidInputError(
        `The bundle ${folder} is inconsistent: its model takes [${shape.timeSteps}, ${shape.features}] and predicts ${shape.horizon}, but metadata.json says [${timeSteps}, ${features.length}] and ${horizon}.`,
      );
    }
    const warnings: string[] = [];
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
    // input; with extra input columns only the head's outputUnits steps (their future is unknown).
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
