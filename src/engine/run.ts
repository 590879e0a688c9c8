/**
 * One forecasting run, end to end, as the tutorial does it and beyond: load the series, scale, split, window,
 * build the model from its spec, train it with the chosen trainer (progress events, Stop, checkpoints), then
 * evaluate (evaluate/evaluate-run.ts: predictions, metrics, baselines, backtest, forecast) and write the run's
 * bundle. Every host (CLI, training process, tests) runs this function.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError, parseRunConfig, type RunConfig, type RunConfigInput } from '../contract/run-config.js';
import type { RunEventListener } from '../contract/run-events.js';
import type { EpochRecord, RunResult } from '../contract/run-result.js';
import { BUNDLE_FILES } from '../contract/bundles.js';
import { refitProblem } from '../contract/window-plan.js';
import { loadSeries } from './data/load-series.js';
import { prepareData, type PreparedData } from './data/prepare.js';
import type { SeriesData } from './data/series.js';
import { describeError, evaluateRun, type EvaluationInput } from './evaluate/evaluate-run.js';
import { initBackend, nativeFallbackWarning, useBackendFor } from './model/backend.js';
import { buildModel, specParameterCount } from './model/build.js';
import { randomSeed } from './train/random.js';
import { checkpointDir, createCheckpointer, loadCheckpoint, removeCheckpoint } from './train/checkpoint.js';
import { chooseTrainer, trainerNamed } from './train/choose-trainer.js';
import type { TrainerName, TrainOutcome, WindowPredictor } from './train/trainer.js';
import { loadBundleModel, readBundleMetadata, writeRunBundle } from './bundle/index.js';
import { newRunId } from './run-id.js';

export interface RunOptions {
  /** Identifies the run in events and names its bundle folder; generated when absent. */
  runId?: string;
  onEvent?: RunEventListener;
  /** Abort = Stop: training ends after the current batch and keeps the last finished epoch; the refit backtest's extra trainings end too (reported as stopped). */
  signal?: AbortSignal;
  /** Write the bundle to runsDir/runId, and keep a checkpoint under runsDir while training. */
  runsDir?: string | null;
  /** Write the bundle to exactly this folder (must not exist). Takes precedence over runsDir. */
  bundleDir?: string | null;
  /** Least time between two checkpoints (default 2 s; 0 = after every epoch). */
  checkpointIntervalMs?: number;
  /**
   * Least time between two epoch events (default 0: one 'epoch' event per epoch). Epochs that finish sooner
   * are sent together in one 'epochs' event, so hosts are not flooded when epochs take milliseconds.
   */
  epochEventIntervalMs?: number;
  /** false: write the bundle without chart images (a sweep's light bundle; see writeRunBundle). Default true. */
  bundleCharts?: boolean;
}

/** The data of a run, loaded and prepared as its configuration says. */
async function prepareRun(config: RunConfig): Promise<{ series: SeriesData; prepared: PreparedData }> {
  const series = await loadSeries(config.data);
  return { series, prepared: prepareData(series, config.prep, config.model.outputUnits) };
}

export async function runForecast(input: RunConfig | RunConfigInput, options: RunOptions = {}): Promise<RunResult> {
  try {
    const config = parseRunConfig(input);
    const runId = options.runId ?? newRunId();
    if (options.bundleDir && existsSync(options.bundleDir)) {
      // Say it before training, not after it.
      throw new InvalidInputError(`${options.bundleDir} already exists; choose another name for the model bundle.`);
    }
    const checkpoint = options.runsDir ? checkpointDir(options.runsDir, runId) : null;
    try {
      const run = await trainAndEvaluate(config, { ...options, runId });
      try {
        const bundleDir = bundleDirFor(runId, options);
        return await bundleRun(run.result, {
          model: run.model,
          emit: options.onEvent ?? (() => {}),
          bundle: bundleDir ? { dir: bundleDir, write: true, charts: options.bundleCharts ?? true } : null,
          checkpoint,
        });
      } finally {
        run.model.dispose();
      }
    } finally {
      if (checkpoint) await removeCheckpoint(checkpoint);
    }
  } catch (error) {
    throw withMessage(error);
  }
}

/** A trained and evaluated run, before its bundle: the caller owns (and disposes) the model. */
export interface EvaluatedRun {
  result: RunResult;
  model: tf.LayersModel;
  prepared: PreparedData;
  /** The trained model's inference, as the evaluation used it. */
  predict: WindowPredictor;
}

/**
 * Everything of a run but the bundle: load and prepare the data, choose the trainer (and, for tfjs, the
 * backend), train with progress events, Stop and checkpoints (under options.runsDir), and evaluate. Writes
 * nothing but the checkpoint; `bundleDir` of the result is null.
 */
export async function trainAndEvaluate(config: RunConfig, options: Omit<RunOptions, 'bundleDir'> & { runId: string }): Promise<EvaluatedRun> {
  const { runId } = options;
  const emit: RunEventListener = options.onEvent ?? (() => {});
  await initBackend(config.backend);
  const seed = config.training.seed ?? randomSeed();
  const ranConfig: RunConfig = { ...config, training: { ...config.training, seed } };

  const { series, prepared } = await prepareRun(config);
  // Said before training, not after it: a refit backtest the data cannot serve.
  const refit = refitProblem(series.features[0].length, config);
  if (refit) throw new InvalidInputError(refit.message);
  const trainer = chooseTrainer(config.trainer, config.model);
  const batchSize = Math.min(config.training.batchSize, prepared.train.samples);
  // The tfjs trainer runs on the backend that is fastest for this model's size; other trainers only keep the model in tfjs.
  const backend =
    trainer.name === 'tfjs'
      ? await useBackendFor(config.backend, { parameters: specParameterCount(config.model, prepared.train.features), batchSize })
      : await initBackend(config.backend);
  const model = buildModel(config.model, { timeSteps: config.prep.timeSteps, features: prepared.train.features, seed });
  const checkpoint = options.runsDir ? checkpointDir(options.runsDir, runId) : null;
  try {
    emit({
      type: 'started',
      runId,
      backend,
      trainer: trainer.name,
      seed,
      epochs: config.training.epochs,
      batchesPerEpoch: Math.ceil(prepared.train.samples / batchSize),
      samples: { train: prepared.train.samples, validation: prepared.validation?.samples ?? 0, test: prepared.test.samples },
      parameterCount: model.countParams(),
    });
    emit({ type: 'phase', runId, phase: 'training', fraction: 0 });
    if (series.missingHandled > 0) {
      emit({ type: 'message', runId, level: 'info', text: `${series.missingHandled} rows with missing values were handled by "${config.data.missing}".` });
    }

    const epochEvents = epochReporter(emit, runId, config.training.epochs, options.epochEventIntervalMs ?? 0);
    const outcome = await trainer.train({
      model,
      spec: config.model,
      train: prepared.train,
      validation: prepared.validation,
      training: { ...config.training, seed },
      signal: options.signal,
      checkpoint: checkpoint ? createCheckpointer(checkpoint, { runId, config: ranConfig, seed, backend, trainer: trainer.name }, options.checkpointIntervalMs) : null,
      progress: {
        onEpoch: (record, elapsedSeconds) => epochEvents.add(record, elapsedSeconds),
        onBatch: (epoch, batch, batchCount, loss, elapsedSeconds) =>
          emit({ type: 'batch', runId, epoch, batch, batches: batchCount, loss, elapsedSeconds }),
      },
    });
    epochEvents.flush();
    if (outcome.history.length === 0) {
      throw new InvalidInputError('Training was stopped before the first epoch finished, so there is no trained model to keep.');
    }
    const warnings: string[] = [];
    const fallback = nativeFallbackWarning();
    if (fallback) warnings.push(fallback);
    if (outcome.stopReason === 'user') {
      warnings.push(`Stopped by the user after epoch ${outcome.history.length} of ${config.training.epochs}; the model keeps epoch ${outcome.bestEpoch}'s weights.`);
    }
    const predict = trainer.predictor(model, config.model);
    const result = await evaluate({ runId, backend, trainer: trainer.name, config: ranConfig, series, prepared, model, predict, outcome, warnings, emit, signal: options.signal });
    return { result, model, prepared, predict };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Epoch events: each epoch as an 'epoch' event, unless the last events went out less than `intervalMs` ago;
 * then it waits. When the next epoch is due (or at `flush`, when training ends) the epochs that waited go out
 * together in one 'epochs' event, followed by the latest epoch's 'epoch' event: at most two messages per
 * interval, every epoch on the loss curve, and a receiver that knows only 'epoch' still sees the progress.
 */
function epochReporter(emit: RunEventListener, runId: string, epochs: number, intervalMs: number) {
  let waiting: Array<EpochRecord & { elapsedSeconds: number }> = [];
  let last = -Infinity;
  const eta = (r: { epoch: number; elapsedSeconds: number }) => (r.elapsedSeconds / r.epoch) * (epochs - r.epoch);
  const send = () => {
    const latest = waiting.pop();
    if (!latest) return;
    last = performance.now();
    if (waiting.length > 0) emit({ type: 'epochs', runId, epochs, records: waiting, etaSeconds: eta(waiting[waiting.length - 1]) });
    emit({ type: 'epoch', runId, epoch: latest.epoch, epochs, loss: latest.loss, valLoss: latest.valLoss, seconds: latest.seconds, elapsedSeconds: latest.elapsedSeconds, etaSeconds: eta(latest) });
    waiting = [];
  };
  return {
    add(record: EpochRecord, elapsedSeconds: number): void {
      waiting.push({ ...record, elapsedSeconds });
      if (performance.now() - last >= intervalMs) send();
    },
    flush: send,
  };
}

/** An error that reaches a host always has a message (an ECharts assertion, say, throws one without). */
function withMessage(error: unknown): unknown {
  if (error instanceof Error && error.message.trim()) return error;
  return new Error(describeError(error), { cause: error });
}

/**
 * Finish a run whose training process died, from its checkpoint: the model as of the last checkpointed epoch
 * is evaluated and bundled like any run, with stopReason 'crashed'. If the process died after writing the
 * run's bundle, the run is reported from that bundle instead. Throws InvalidInputError without either.
 */
export async function recoverRun(runId: string, runsDir: string, options: Pick<RunOptions, 'onEvent'> = {}): Promise<RunResult> {
  try {
    return await recoverFrom(runId, runsDir, options);
  } catch (error) {
    throw withMessage(error);
  }
}

async function recoverFrom(runId: string, runsDir: string, options: Pick<RunOptions, 'onEvent'>): Promise<RunResult> {
  const checkpoint = checkpointDir(runsDir, runId);
  const bundleDir = join(runsDir, runId);
  const written = existsSync(join(bundleDir, BUNDLE_FILES.metadata));
  const { state, model } = written ? await fromBundle(bundleDir) : await fromCheckpoint(checkpoint);
  try {
    await initBackend(state.config.backend);
    const { series, prepared } = await prepareRun(state.config);
    const emit = options.onEvent ?? (() => {});
    const result = await evaluate({
      runId,
      backend: state.backend,
      trainer: state.trainer,
      config: state.config,
      series,
      prepared,
      model,
      predict: trainerNamed(state.trainer).predictor(model, state.config.model),
      outcome: state.outcome,
      warnings: state.warnings,
      emit,
    });
    // bundleRun removes the checkpoint once the bundle is safe; a recovery that fails keeps it for another try.
    return await bundleRun(result, { model, emit, bundle: { dir: bundleDir, write: !written }, checkpoint });
  } finally {
    model.dispose();
  }
}

interface RecoveredState {
  config: RunConfig;
  backend: string;
  trainer: TrainerName;
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
      trainer: state.trainer,
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
      trainer: m.trainer,
      outcome: { history: m.history, stopReason: m.stopReason, bestEpoch: m.bestEpoch, seconds: m.trainSeconds },
      warnings: m.warnings,
    },
  };
}

function bundleDirFor(runId: string, options: Pick<RunOptions, 'bundleDir' | 'runsDir'>): string | null {
  return options.bundleDir ?? (options.runsDir ? join(options.runsDir, runId) : null);
}

interface EvaluateArgs extends Omit<EvaluationInput, 'parameterCount' | 'onProgress' | 'onRefit'> {
  model: tf.LayersModel;
  emit: RunEventListener;
}

/** The evaluation step, reporting its progress as 'evaluating' phase events (and the refit backtest's as 'refitting'). */
async function evaluate({ model, emit, ...input }: EvaluateArgs): Promise<RunResult> {
  emit({ type: 'phase', runId: input.runId, phase: 'evaluating', fraction: 0 });
  const result = await evaluateRun({
    ...input,
    parameterCount: model.countParams(),
    onProgress: (fraction) => emit({ type: 'phase', runId: input.runId, phase: 'evaluating', fraction }),
    onRefit: (done, total) => emit({ type: 'phase', runId: input.runId, phase: 'refitting', fraction: done / total }),
  });
  // The whole actual series for the plot (the predictions start timeSteps rows into each part).
  const { series } = input;
  const actualSeries = { column: series.column, time: series.time, values: Array.from(series.features[0]), missingHandled: series.missingHandled, rows: series.features[0].length, index: null };
  return { ...result, actualSeries };
}

interface BundleArgs {
  model: tf.LayersModel;
  emit: RunEventListener;
  /** Where the run's bundle goes; `write: false` when it is already there (a recovered run that had written it). */
  bundle: { dir: string; write: boolean; charts?: boolean } | null;
  /** The run's checkpoint, removed once its bundle is safe and before 'finished' is reported. */
  checkpoint: string | null;
}

/** The bundling step: write the bundle (if the run has one), remove the checkpoint, report 'finished'. */
async function bundleRun(result: RunResult, { model, emit, bundle, checkpoint }: BundleArgs): Promise<RunResult> {
  if (bundle) {
    result.bundleDir = bundle.dir;
    if (bundle.write) {
      emit({ type: 'phase', runId: result.runId, phase: 'writing-bundle', fraction: null });
      await writeRunBundle({ dir: bundle.dir, model, result, charts: bundle.charts });
    }
  }
  if (checkpoint) await removeCheckpoint(checkpoint);
  emit({ type: 'finished', runId: result.runId, result });
  return result;
}
