/**
 * One forecasting run, end to end, as the tutorial does it and beyond: load the series, scale, split, window,
 * build the model from its spec, train with progress events, predict, measure against baselines, backtest,
 * forecast ahead, and write the run's bundle. Every host (CLI, training process, tests) runs this function.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError, parseRunConfig, type RunConfig, type RunConfigInput, type TrainingSpec } from '../contract/run-config.js';
import type { RunEventListener } from '../contract/run-events.js';
import type { MetricSet, PredictionRow, RunResult } from '../contract/run-result.js';
import { loadSeries } from './data/load-series.js';
import { prepareData, type PreparedData } from './data/prepare.js';
import { datasetInfo, type SeriesData } from './data/series.js';
import type { Windows } from './data/windows.js';
import { computeBaselines, detectSeasonLength } from './evaluate/baselines.js';
import { runBacktest } from './evaluate/backtest.js';
import type { EvaluationContext } from './evaluate/context.js';
import { forecastAhead } from './evaluate/forecast.js';
import { networkFromOrigin } from './evaluate/from-origin.js';
import { predictionIntervals } from './evaluate/intervals.js';
import { maseScale, metricSet } from './evaluate/metrics.js';
import { initBackend } from './model/backend.js';
import { buildModel, makeOptimizer } from './model/build.js';
import { randomSeed } from './train/random.js';
import { checkpointDir, loadCheckpoint, removeCheckpoint, writeCheckpoint } from './train/checkpoint.js';
import { predictWindows, trainModel, type TrainOutcome } from './train/train.js';
import { loadBundleModel, readBundleMetadata, writeRunBundle } from './bundle/index.js';
import { versions } from './versions.js';
import { newRunId } from './run-id.js';

export interface RunOptions {
  /** Identifies the run in events and names its bundle folder; generated when absent. */
  runId?: string;
  onEvent?: RunEventListener;
  /** Abort = Stop: training ends after the current batch and keeps the last finished epoch. */
  signal?: AbortSignal;
  /** Write the bundle to runsDir/runId, and keep a checkpoint under runsDir while training. */
  runsDir?: string | null;
  /** Write the bundle to exactly this folder (must not exist). Takes precedence over runsDir. */
  bundleDir?: string | null;
  /** Least time between two checkpoints (default 2 s; 0 = after every epoch). */
  checkpointIntervalMs?: number;
}

/** The data of a run, loaded and prepared as its configuration says. */
async function prepareRun(config: RunConfig): Promise<{ series: SeriesData; prepared: PreparedData }> {
  const series = await loadSeries(config.data);
  return { series, prepared: prepareData(series, config.prep, config.model.outputUnits) };
}

export async function runForecast(input: RunConfig | RunConfigInput, options: RunOptions = {}): Promise<RunResult> {
  const config = parseRunConfig(input);
  const runId = options.runId ?? newRunId();
  const emit: RunEventListener = options.onEvent ?? (() => {});
  if (options.bundleDir && existsSync(options.bundleDir)) {
    // Say it before training, not after it.
    throw new InvalidInputError(`${options.bundleDir} already exists; choose another name for the model bundle.`);
  }
  const backend = await initBackend(config.backend);
  const seed = config.training.seed ?? randomSeed();
  const ranConfig: RunConfig = { ...config, training: { ...config.training, seed } };

  const { series, prepared } = await prepareRun(config);
  const model = buildModel(config.model, { timeSteps: config.prep.timeSteps, features: prepared.train.features, seed });
  const optimizer = makeOptimizer(config.training.optimizer, config.training.learningRate);
  const checkpoint = options.runsDir ? checkpointDir(options.runsDir, runId) : null;
  try {
    model.compile({ loss: 'meanSquaredError', optimizer });
    const batches = Math.ceil(prepared.train.samples / Math.min(config.training.batchSize, prepared.train.samples));
    emit({
      type: 'started',
      runId,
      backend,
      seed,
      epochs: config.training.epochs,
      batchesPerEpoch: batches,
      samples: { train: prepared.train.samples, validation: prepared.validation?.samples ?? 0, test: prepared.test.samples },
      parameterCount: model.countParams(),
    });
    if (series.missingHandled > 0) {
      emit({ type: 'message', runId, level: 'info', text: `${series.missingHandled} rows with missing values were handled by "${config.data.missing}".` });
    }

    let lastCheckpoint = -Infinity;
    const outcome = await trainModel(
      model,
      prepared.train,
      prepared.validation,
      ranConfig.training as TrainingSpec & { seed: number },
      {
        onEpoch: async (record, elapsedSeconds, history) => {
          if (checkpoint && performance.now() - lastCheckpoint >= (options.checkpointIntervalMs ?? 2000)) {
            lastCheckpoint = performance.now();
            const state = { runId, config: ranConfig, seed, backend, history: [...history], trainSeconds: elapsedSeconds, savedAt: new Date().toISOString() };
            await writeCheckpoint(checkpoint, model, state);
          }
          emit({
            type: 'epoch',
            runId,
            epoch: record.epoch,
            epochs: config.training.epochs,
            loss: record.loss,
            valLoss: record.valLoss,
            elapsedSeconds,
            etaSeconds: (elapsedSeconds / record.epoch) * (config.training.epochs - record.epoch),
          });
        },
        onBatch: (epoch, batch, batchCount, loss, elapsedSeconds) =>
          emit({ type: 'batch', runId, epoch, batch, batches: batchCount, loss, elapsedSeconds }),
      },
      options.signal,
    );
    if (outcome.history.length === 0) {
      throw new InvalidInputError('Training was stopped before the first epoch finished, so there is no trained model to keep.');
    }
    const warnings: string[] = [];
    if (outcome.stopReason === 'user') {
      warnings.push(`Stopped by the user after epoch ${outcome.history.length} of ${config.training.epochs}; the model keeps epoch ${outcome.bestEpoch}'s weights.`);
    }
    const bundleDir = bundleDirFor(runId, options);
    return await finishRun({
      runId,
      backend,
      config: ranConfig,
      series,
      prepared,
      model,
      outcome,
      warnings,
      emit,
      bundle: bundleDir ? { dir: bundleDir, write: true } : null,
      checkpoint,
    });
  } finally {
    model.dispose();
    // The model does not own an optimizer it was given: free its moment estimates too.
    optimizer.dispose();
    if (checkpoint) await removeCheckpoint(checkpoint);
  }
}

/**
 * Finish a run whose training process died, from its checkpoint: the model as of the last checkpointed epoch
 * is evaluated and bundled like any run, with stopReason 'crashed'. If the process died after writing the
 * run's bundle, the run is reported from that bundle instead. Throws InvalidInputError without either.
 */
export async function recoverRun(runId: string, runsDir: string, options: Pick<RunOptions, 'onEvent'> = {}): Promise<RunResult> {
  const checkpoint = checkpointDir(runsDir, runId);
  const bundleDir = join(runsDir, runId);
  const written = existsSync(join(bundleDir, 'metadata.json'));
  const { state, model } = written ? await fromBundle(bundleDir) : await fromCheckpoint(checkpoint);
  try {
    await initBackend(state.config.backend);
    const { series, prepared } = await prepareRun(state.config);
    return await finishRun({
      runId,
      backend: state.backend,
      config: state.config,
      series,
      prepared,
      model,
      outcome: state.outcome,
      warnings: state.warnings,
      emit: options.onEvent ?? (() => {}),
      bundle: { dir: bundleDir, write: !written },
      checkpoint,
    });
  } finally {
    model.dispose();
    await removeCheckpoint(checkpoint);
  }
}

interface RecoveredState {
  config: RunConfig;
  backend: string;
  outcome: TrainOutcome;
  warnings: string[];
}

async function fromCheckpoint(dir: string): Promise<{ state: RecoveredState; model: tf.LayersModel }> {
  const { state, model } = await loadCheckpoint(dir);
  const epochs = state.history.length;
  return {
    model,
    state: {
      config: state.config,
      backend: state.backend,
      outcome: { history: state.history, stopReason: 'crashed', bestEpoch: epochs, seconds: state.trainSeconds },
      warnings: [
        `The training process stopped unexpectedly after epoch ${epochs} of ${state.config.training.epochs}; the run was recovered from its checkpoint and the model keeps epoch ${epochs}'s weights.`,
      ],
    },
  };
}

async function fromBundle(dir: string): Promise<{ state: RecoveredState; model: tf.LayersModel }> {
  const { metadata: m } = await readBundleMetadata(dir);
  return {
    model: await loadBundleModel(dir),
    state: {
      config: m.config,
      backend: m.backend,
      outcome: { history: m.history, stopReason: m.stopReason, bestEpoch: m.bestEpoch, seconds: m.trainSeconds },
      warnings: m.warnings,
    },
  };
}

function bundleDirFor(runId: string, options: Pick<RunOptions, 'bundleDir' | 'runsDir'>): string | null {
  return options.bundleDir ?? (options.runsDir ? join(options.runsDir, runId) : null);
}

interface FinishArgs {
  runId: string;
  backend: string;
  /** The configuration as run, with its seed. */
  config: RunConfig;
  series: SeriesData;
  prepared: PreparedData;
  model: tf.LayersModel;
  outcome: TrainOutcome;
  warnings: string[];
  emit: RunEventListener;
  /** Where the run's bundle goes; `write: false` when it is already there (a recovered run that had written it). */
  bundle: { dir: string; write: boolean } | null;
  /** The run's checkpoint, removed once its bundle is safe and before 'finished' is reported. */
  checkpoint: string | null;
}

/** After training: predict, measure beside the baselines, backtest, forecast ahead, write the bundle, report. */
async function finishRun({ runId, backend, config, series, prepared, model, outcome, warnings, emit, bundle, checkpoint }: FinishArgs): Promise<RunResult> {
  const trainPred = predictWindows(model, prepared.train);
  const validationPred = prepared.validation ? predictWindows(model, prepared.validation) : null;
  const testPred = predictWindows(model, prepared.test);

  const seasonLength = config.evaluation.seasonLength ?? detectSeasonLength(series.features[0].subarray(0, prepared.splitIndex), undefined, series.time?.slice(0, prepared.splitIndex) ?? null);
  // MASE scales by the one-step naive error unless the analyst set a season length.
  const season = config.evaluation.seasonLength ?? 1;
  const scale = {
    scaled: maseScale(prepared.scaled[0].subarray(0, prepared.splitIndex), season),
    original: maseScale(series.features[0].subarray(0, prepared.splitIndex), season),
  };
  const measure = (w: Windows, offset: number, predicted: Float32Array) => partMetrics(series, prepared, w, offset, predicted, scale);

  const validationOffset = prepared.offsets.train;
  const predictions = [
    ...predictionRows(series, prepared, prepared.train, prepared.offsets.train, trainPred, 'train'),
    ...(prepared.validation && validationPred
      ? predictionRows(series, prepared, prepared.validation, validationOffset, validationPred, 'validation')
      : []),
    ...predictionRows(series, prepared, prepared.test, prepared.offsets.test, testPred, 'test'),
  ];
  const context: EvaluationContext = { config, series, prepared, model, seasonLength, scale, testPredictionsScaled: testPred };
  const forecast = await forecastAhead(context, warnings);
  const result: RunResult = {
    runId,
    backend,
    config,
    seed: config.training.seed!,
    dataset: datasetInfo(series),
    scaler: { min: [...prepared.scaler.min], max: [...prepared.scaler.max], fittedOn: config.prep.scalerFit },
    samples: {
      train: prepared.train.samples,
      validation: prepared.validation?.samples ?? 0,
      test: prepared.test.samples,
      splitIndex: prepared.splitIndex,
    },
    parameterCount: model.countParams(),
    history: outcome.history,
    stopReason: outcome.stopReason,
    bestEpoch: outcome.bestEpoch,
    trainSeconds: outcome.seconds,
    metrics: {
      train: measure(prepared.train, prepared.offsets.train, trainPred),
      validation: prepared.validation && validationPred ? measure(prepared.validation, validationOffset, validationPred) : null,
      test: measure(prepared.test, prepared.offsets.test, testPred),
      testFromOrigin: await networkFromOrigin(context, (w) => predictWindows(model, w), warnings),
    },
    baselines: computeBaselines(context, warnings),
    seasonLength,
    backtest: runBacktest(context, warnings),
    predictions,
    forecast,
    intervals: await predictionIntervals(context, (w) => predictWindows(model, w), validationPred, forecast.length),
    bundleDir: null,
    versions: versions(),
    warnings,
  };
  if (bundle) {
    result.bundleDir = bundle.dir;
    if (bundle.write) await writeRunBundle({ dir: bundle.dir, model, result });
  }
  if (checkpoint) await removeCheckpoint(checkpoint);
  emit({ type: 'finished', runId, result });
  return result;
}

/** Series row of sample s, step h (0-based) of a set of windows taken from the part starting at `offset`. */
function targetRow(w: Windows, offset: number, s: number, h: number): number {
  return offset + w.targetIndex[s] + h;
}

function predictionRows(
  series: SeriesData,
  prepared: PreparedData,
  w: Windows,
  offset: number,
  predicted: Float32Array,
  split: PredictionRow['split'],
): PredictionRow[] {
  const rows: PredictionRow[] = [];
  for (let s = 0; s < w.samples; s++) {
    for (let h = 0; h < w.horizon; h++) {
      const index = targetRow(w, offset, s, h);
      rows.push({
        index,
        time: series.time ? series.time[index] : null,
        split,
        step: h + 1,
        actual: series.features[0][index],
        predicted: prepared.scaler.inverseValue(predicted[s * w.horizon + h], 0),
      });
    }
  }
  return rows;
}

function partMetrics(
  series: SeriesData,
  prepared: PreparedData,
  w: Windows,
  offset: number,
  predicted: Float32Array,
  scale: { scaled: number | null; original: number | null },
): MetricSet {
  const n = w.samples * w.horizon;
  const actualOriginal = new Float64Array(n);
  const predictedOriginal = new Float64Array(n);
  for (let s = 0; s < w.samples; s++) {
    for (let h = 0; h < w.horizon; h++) {
      const k = s * w.horizon + h;
      actualOriginal[k] = series.features[0][targetRow(w, offset, s, h)];
      predictedOriginal[k] = prepared.scaler.inverseValue(predicted[k], 0);
    }
  }
  return metricSet({ actualScaled: w.y, predictedScaled: predicted, actualOriginal, predictedOriginal, scale });
}
