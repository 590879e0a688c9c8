/**
 * Writing a finished run as a bundle folder, and copying a bundle to where the user chose.
 *
 * Layout (see docs/BUNDLE.md): model.json + weights.bin (TensorFlow.js layers format), metadata.json,
 * predictions.csv, forecast.csv, loss-history.csv, loss.svg, predictions.svg (+ .png where resvg works),
 * README.txt. Both operations are atomic and refuse an existing destination.
 */
import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BundleMetadataSchema,
  type BundleMetadata,
} from '../../contract/bundles.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { RunResultSchema, type RunResult } from '../../contract/run-result.js';
import { APP_NAME, APP_VERSION } from '../app-version.js';
import { writeFileAtomically, writeFolderAtomically } from './atomic.js';
import { LOSS_HISTORY_COLUMNS, lossHistoryRows } from '../../contract/loss-history.js';
import { lossChartSvg, predictionChartSvg, svgToPng } from './charts.js';
import { forecastCsv, predictionsCsv, toCsv } from './csv.js';
import { regularTimeAxis } from '../evaluate/time-labels.js';
import { fileSystemSaver } from './fs-io.js';
import { readBundle, readBundleMetadata } from './read.js';
import { writeOnnxFiles } from './onnx/write-onnx.js';

export interface WriteRunBundleArgs {
  dir: string;
  model: tf.LayersModel;
  result: RunResult;
  /** Called after each file is complete in the (temporary) folder; a throw aborts the whole bundle. */
  onFileWritten?: (file: string) => void | Promise<void>;
  /**
   * false: a light bundle without chart images (a sweep's runs: drawing them is most of a small run's bundle
   * time); metadata lists no charts and the README says how to get them (addBundleCharts, on export). Default true.
   */
  charts?: boolean;
}

/** The model's [timeSteps, features] input and the number of values it predicts per window. */
export function modelShape(model: tf.LayersModel): { timeSteps: number; features: number; horizon: number } {
  const input = model.inputs[0]?.shape ?? [];
  const output = model.outputs[0]?.shape ?? [];
  const [, timeSteps, features] = input;
  const horizon = output[output.length - 1];
  if (typeof timeSteps !== 'number' || typeof features !== 'number' || typeof horizon !== 'number' || input.length !== 3) {
    throw new Error(`Expected a recurrent model with input [batch, timeSteps, features]; got input ${JSON.stringify(input)} and output ${JSON.stringify(output)}.`);
  }
  return { timeSteps, features, horizon };
}

export async function buildMetadata(model: tf.LayersModel, result: RunResult, charts: string[]): Promise<BundleMetadata> {
  // The bulky per-row parts stay out of the metadata (predictions.csv holds the predictions).
  const { predictions: _predictions, bundleDir: _bundleDir, actualSeries: _actualSeries, thinned: _thinned, ...kept } = result;
  const rest = { ...kept, baselines: kept.baselines.map(({ testPredicted: _testPredicted, ...baseline }) => baseline) };
  const config = result.config;
  const features = [result.dataset.column, ...result.dataset.inputColumns];
  const shape = modelShape(model);
  if (shape.timeSteps !== config.prep.timeSteps || shape.features !== features.length) {
    throw new Error(
      `The model's input [${shape.timeSteps}, ${shape.features}] does not match the run (${config.prep.timeSteps} time steps, ${features.length} features).`,
    );
  }
  const version = APP_VERSION;
  const metadata: BundleMetadata = structuredClone({
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    app: { name: APP_NAME, version },
    ...rest,
    versions: {
      ...rest.versions,
      app: rest.versions.app ?? version,
      tfjs: tf.version.tfjs,
      node: process.versions.node,
      ...(process.versions.electron ? { electron: process.versions.electron } : {}),
    },
    missingPolicy: config.data.missing,
    windowing: {
      timeSteps: shape.timeSteps,
      windowing: config.prep.windowing,
      horizon: shape.horizon,
      features,
      inputShape: [shape.timeSteps, shape.features],
    },
    split: {
      trainFraction: config.prep.trainFraction,
      validationFraction: config.prep.validationFraction,
      splitIndex: result.samples.splitIndex,
      scalerFit: result.scaler.fittedOn,
    },
    scaler: { ...result.scaler, features },
    files: {
      model: BUNDLE_FILES.model,
      weights: [BUNDLE_FILES.weights],
      predictions: BUNDLE_FILES.predictions,
      forecast: BUNDLE_FILES.forecast,
      lossHistory: BUNDLE_FILES.lossHistory,
      charts,
      readme: BUNDLE_FILES.readme,
    },
  });
  // JSON has no NaN or infinity (JSON.stringify writes null): overflowed measures are stored as the largest
  // finite number, with a warning, so the trained run is still written.
  const overflowed = replaceNonFinite(metadata, ''); // on a copy: the caller's RunResult stays as it is
  if (overflowed.length > 0) {
    const shown = overflowed.slice(0, 3).join(', ') + (overflowed.length > 3 ? ` and ${overflowed.length - 3} more` : '');
    metadata.warnings = [
      ...metadata.warnings,
      `Some numbers of this run are beyond the range of floating-point numbers (${shown}); metadata.json stores them as ±${Number.MAX_VALUE} (infinite) or null (not a number).`,
    ];
  }
  // What is written must read back: check the JSON form against the schema before writing anything.
  const checked = BundleMetadataSchema.safeParse(JSON.parse(JSON.stringify(metadata)));
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`The run result cannot be stored as bundle metadata: ${problems}`);
  }
  return metadata;
}

/**
 * Replace, in place, every infinite number with ±Number.MAX_VALUE and every NaN with null; returns the
 * paths of the numbers replaced (e.g. "metrics.test.original.rmse").
 */
function replaceNonFinite(value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  const replaced: string[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, item] of entries) {
    const at = path ? `${path}.${key}` : String(key);
    if (typeof item === 'number' && !Number.isFinite(item)) {
      (value as Record<string | number, unknown>)[key] = Number.isNaN(item) ? null : Math.sign(item) * Number.MAX_VALUE;
      replaced.push(at);
    } else if (item !== null && typeof item === 'object') {
      replaced.push(...replaceNonFinite(item, at));
    }
  }
  return replaced;
}

/** A file's name in the README's list, padded to the descriptions' column. */
const file = (name: string) => name.padEnd(19);
/** README lines on the date range, resampling and one-hot inputs of the training data (none without them). */
function dataPreparationLines(meta: BundleMetadata): string[] {
  const { resample, dateRange } = meta.config.data;
  const lines: string[] = [];
  if (dateRange) lines.push(`Date range: ${dateRange.from ?? 'the first row'} to ${dateRange.to ?? 'the last row'} (training data only).`);
  if (resample) lines.push(`Resampled to ${resample.every} periods (${resample.how} of each period's rows), before windowing; predict resamples new data the same way.`);
  const calendar = meta.config.data.calendarFeatures ?? [];
  if (calendar.length) lines.push(`Calendar features: ${calendar.join(', ')} (sin/cos inputs computed from the time column "${meta.dataset.timeColumn}"; predict computes them for new data).`);
  for (const [column, categories] of Object.entries(meta.dataset.categories)) {
    lines.push(`One-hot input "${column}": ${categories.map((c) => `"${c}"`).join(', ')} (other values are refused).`);
  }
  return lines;
}

/** The bundle's README.txt; `light`: written without its charts (writeRunBundle with `charts: false`). */
function readmeText(meta: BundleMetadata, light = false): string {
  const m = meta.metrics;
  const layers = meta.config.model.layers.map((l) => `${l.type}(${l.units}, ${l.activation}${l.dropout ? `, dropout ${l.dropout}` : ''})`).join(' -> ');
  return [
    'Forecast Workbench model bundle',
    '===============================',
    '',
    `Created ${meta.createdAt} by ${meta.app.name} ${meta.app.version} (TensorFlow.js ${meta.versions.tfjs}, backend ${meta.backend}).`,
    `Data: ${meta.dataset.name} (sha256 ${meta.dataset.sha256}), target column "${meta.dataset.column}"` +
      (meta.dataset.inputColumns.length ? `, input columns ${meta.dataset.inputColumns.map((c) => `"${c}"`).join(', ')}` : '') +
      `, ${meta.dataset.rows} rows.`,
    ...dataPreparationLines(meta),
    `Model: ${layers} -> Dense(${meta.config.model.outputUnits}, ${meta.config.model.outputActivation}); ${meta.parameterCount} parameters.`,
    `Windows: ${meta.windowing.timeSteps} time steps (${meta.windowing.windowing}), ${meta.windowing.horizon} value(s) predicted per window.`,
    `RMSE (scaled): train ${m.train.rmse.toFixed(4)}, test ${m.test.rmse.toFixed(4)}; original units: train ${m.train.original.rmse.toFixed(4)}, test ${m.test.original.rmse.toFixed(4)}.`,
    '',
    'Files',
    '-----',
    `${file(BUNDLE_FILES.model)}TensorFlow.js layers model: topology + weights manifest (tf.loadLayersModel reads it).`,
    `${file(BUNDLE_FILES.weights)}The weights, float32, in the order of the manifest in ${BUNDLE_FILES.model}.`,
    `${file(BUNDLE_FILES.metadata)}Everything needed to use the model again: data source, columns, missing-value policy,`,
    '                   scaler min/max per feature, windowing, split, all hyperparameters, seed, metrics,',
    '                   baselines, backtest, loss history, versions. See docs/BUNDLE.md in the app.',
    `${file(BUNDLE_FILES.predictions)}index,time,split,step,actual,predicted for every window of the training data (original units).`,
    '                   With prediction intervals: lower_L,upper_L per level L % on the test rows (split conformal).',
    `${file(BUNDLE_FILES.forecast)}step,time,value: the forecast beyond the end of the data (original units), with lower_L,upper_L.`,
    `${file(BUNDLE_FILES.lossHistory)}${LOSS_HISTORY_COLUMNS.join(',')} (losses: MSE on the scaled series, 6 significant digits).`,
    ...meta.files.charts.map((c) => `${file(c)}${c.startsWith('loss') ? 'Loss per epoch.' : 'Actual vs predicted, the train/test split line, and the forecast.'}`),
    ...(light ? [`${file('(no charts)')}Left out of this light bundle (a sweep's run); exporting the run from the run history draws them.`] : []),
    '',
    'Inputs are MinMax-scaled with the saved min/max: x_scaled = (x - min) / (max - min) (max = min: x - min),',
    'and predictions are scaled back with x = x_scaled * (max - min) + min (feature 0 = target).',
    '',
    'Apply to new data: npx forecast-workbench predict <this folder> --csv new.csv',
    '',
  ].join('\n');
}

interface ChartFile {
  name: string;
  content: string | Uint8Array;
}

/**
 * The bundle's charts: loss.svg and predictions.svg, and their PNGs where resvg works. A chart that cannot
 * be drawn is left out with a warning: a trained run is never lost to a picture.
 */
async function renderCharts(result: RunResult): Promise<{ charts: ChartFile[]; warnings: string[] }> {
  const warnings: string[] = [];
  const attempt = async <T>(what: string, draw: () => Promise<T>): Promise<T | null> => {
    try {
      return await draw();
    } catch (error) {
      warnings.push(`The ${what} could not be drawn (${(error as Error).message || (error as Error).name || 'no reason given'}); the bundle holds no such file.`);
      return null;
    }
  };
  const lastIndex = result.dataset.rows - 1;
  const labelPairs = [
    ...result.predictions.map((r) => ({ index: r.index, time: r.time })),
    ...result.forecast.map((f) => ({ index: lastIndex + f.step, time: f.time })),
  ];
  const timeByIndex = new Map(labelPairs.filter((p) => p.time !== null).map((p) => [p.index, p.time as string]));
  const timeOf = regularTimeAxis(labelPairs) ?? (timeByIndex.size ? (i: number) => timeByIndex.get(i) ?? null : undefined);
  const lossSvg = await attempt('loss chart', () => lossChartSvg(result.history));
  const predictionsSvg = await attempt('predictions chart', () =>
    predictionChartSvg({
      title: `${result.dataset.name}: ${result.dataset.column}, actual vs predicted`,
      predictions: result.predictions,
      forecast: result.forecast,
      splitIndex: result.samples.splitIndex,
      lastIndex,
      timeOf,
      actual: result.actualSeries && !result.actualSeries.index ? result.actualSeries.values : undefined,
    }),
  );
  const charts: ChartFile[] = [];
  if (lossSvg !== null) charts.push({ name: 'loss.svg', content: lossSvg });
  if (predictionsSvg !== null) charts.push({ name: 'predictions.svg', content: predictionsSvg });
  for (const svg of [...charts]) {
    const png = await attempt(`PNG of ${svg.name}`, () => svgToPng(svg.content as string));
    if (png === null) break; // no rasteriser here (or it failed): SVG charts only
    charts.push({ name: svg.name.replace(/\.svg$/, '.png'), content: png });
  }
  return { charts, warnings };
}

/**
 * Write a finished run as a bundle folder at `dir` (atomically; refuses an existing `dir`).
 * `result.bundleDir` is not stored: a bundle can be moved, and its folder is where it is read from.
 */
export async function writeRunBundle({ dir, model, result, onFileWritten, charts: drawCharts = true }: WriteRunBundleArgs): Promise<void> {
  const { charts, warnings } = drawCharts ? await renderCharts(result) : { charts: [], warnings: [] };
  const metadata = await buildMetadata(model, warnings.length ? { ...result, warnings: [...result.warnings, ...warnings] } : result, charts.map((c) => c.name));

  await writeFolderAtomically(dir, async (temp) => {
    const put = async (name: string, content: string | Uint8Array) => {
      await writeFile(join(temp, name), content);
      await onFileWritten?.(name);
    };
    await model.save(fileSystemSaver(temp, () => onFileWritten?.(BUNDLE_FILES.weights)));
    await onFileWritten?.(BUNDLE_FILES.model);
    await writeOnnxFiles(model, metadata, put);
    await put(BUNDLE_FILES.predictions, predictionsCsv(result));
    await put(BUNDLE_FILES.forecast, forecastCsv(result));
    await put(
      BUNDLE_FILES.lossHistory,
      toCsv([...LOSS_HISTORY_COLUMNS], lossHistoryRows(result.history)),
    );
    for (const chart of charts) await put(chart.name, chart.content);
    await put(BUNDLE_FILES.readme, readmeText(metadata, !drawCharts));
    await put(BUNDLE_FILES.metadata, JSON.stringify(metadata, null, 2) + '\n');
  });
}

/**
 * Draw the chart images of a light bundle (written with `charts: false`) into it: each chart file, then the
 * metadata and README listing them, each written atomically. Returns the chart files now in the bundle
 * (none are added when it already lists some).
 */
export async function addBundleCharts(dir: string, result: RunResult): Promise<string[]> {
  const { dir: folder, metadata } = await readBundleMetadata(dir);
  if (metadata.files.charts.length > 0) return metadata.files.charts;
  const { charts, warnings } = await renderCharts(result);
  for (const chart of charts) {
    await rm(join(folder, chart.name), { force: true });
    await writeFileAtomically(join(folder, chart.name), chart.content);
  }
  const completed: BundleMetadata = { ...metadata, warnings: [...metadata.warnings, ...warnings], files: { ...metadata.files, charts: charts.map((c) => c.name) } };
  for (const [name, content] of [
    [BUNDLE_FILES.readme, readmeText(completed)],
    [BUNDLE_FILES.metadata, JSON.stringify(completed, null, 2) + '\n'],
  ] as const) {
    await writeFileAtomicallyOver(join(folder, name), content);
  }
  return completed.files.charts;
}

/** addBundleCharts with the run's result read from a RunResult JSON file (the run store's `<runId>.result.json`). */
export async function addBundleChartsFrom(dir: string, resultFile: string): Promise<string[]> {
  let parsed;
  try {
    parsed = RunResultSchema.safeParse(JSON.parse(await readFile(resultFile, 'utf8')));
  } catch (error) {
    throw new InvalidInputError(`The charts cannot be drawn: the run's result ${resultFile} cannot be read (${(error as Error).message}).`);
  }
  if (!parsed.success) throw new InvalidInputError(`The charts cannot be drawn: the run's result ${resultFile} is damaged (${parsed.error.issues[0]?.message}).`);
  return addBundleCharts(dir, parsed.data);
}

/** Replace a file all at once: the new content is written beside it, then renamed over it. */
async function writeFileAtomicallyOver(path: string, content: string): Promise<void> {
  const temp = `${path}.replacing`;
  await rm(temp, { force: true });
  await writeFileAtomically(temp, content);
  await rename(temp, path);
}

/**
 * Copy a finished bundle to `destinationDir` (atomically; refuses an existing destination). The source
 * is checked to be a readable bundle first. Returns the absolute destination path.
 */
export async function exportBundle(sourceDir: string, destinationDir: string): Promise<string> {
  const source = await readBundle(sourceDir);
  return writeFolderAtomically(destinationDir, async (temp) => {
    await cp(source.dir, temp, { recursive: true, errorOnExist: true, force: false });
  });
}
