/**
 * The training process's logic, independent of how the process was started: announce the backend,
 * run one training on request, relay every run event, turn every error into a 'failed' event.
 * The supervisor starts a fresh process for every run; a sweep's pool (services/training-pool.ts) reuses one
 * process for many runs, one after the other (a new 'train' is taken once the last run has ended).
 */
import { InvalidInputError } from '../contract/run-config.js';
import type { RunEvent } from '../contract/run-events.js';
import type { RunResult } from '../contract/run-result.js';
import type { RunConfig } from '../contract/run-config.js';
import { heartbeatIntervalFrom, parseTrainingProcessRequest, type TrainingProcessMessage } from '../contract/training-process.js';
import type { ParentChannel } from './parent-channel.js';

export interface TrainingWorkerEngine {
  /** The backend this process was asked for ('auto' = the best available). */
  backendChoice?: string;
  initBackend(): Promise<string>;
  runForecast(
    config: RunConfig,
    options: { runId: string; onEvent: (event: RunEvent) => void; signal: AbortSignal; runsDir: string | null; bundleCharts?: boolean },
  ): Promise<RunResult>;
  /** Finish a run whose training process died, from its checkpoint. */
  recoverRun(runId: string, runsDir: string, options: { onEvent: (event: RunEvent) => void }): Promise<RunResult>;
}

type State = 'idle' | 'running' | 'done';

/** Wire the engine to a parent channel. `ended` settles when the first run has ended. */
export function startTrainingWorker(channel: ParentChannel, engine: TrainingWorkerEngine, log = (text: string) => process.stderr.write(`training process: ${text}\n`)) {
  let state: State = 'idle';
  let runId: string | null = null;
  let controller = new AbortController();
  /** The current run has sent its final event (it may still be cleaning up). */
  let terminalSent = false;
  /** A train request that came after the current run's final event, started when that run has ended. */
  let waiting: (() => void) | null = null;
  let waitingId: string | null = null;
  let stopWaiting = false;
  let runEnded!: () => void;
  const ended = new Promise<void>((resolve) => (runEnded = resolve));

  const post = (message: TrainingProcessMessage) => channel.send(message);

  // A sign of life between events, from the start (a long evaluation sends no run events), at the interval
  // the host set in HEARTBEAT_ENV; it never keeps the process alive by itself.
  const heartbeat = setInterval(() => void post({ type: 'heartbeat' }), heartbeatIntervalFrom(process.env));
  heartbeat.unref();

  const backend: Promise<{ name: string } | { error: Error }> = engine.initBackend().then(
    (name) => ({ name }),
    (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
  );
  void backend.then((b) => {
    if ('name' in b) return post({ type: 'ready', backend: b.name });
    log(`the TensorFlow.js backend did not start: ${b.error.message}`);
    return post({ type: 'ready', backend: 'unavailable' });
  });

  const fail = (id: string, kind: 'invalid-input' | 'internal', message: string) =>
    post({ type: 'failed', runId: id, kind, message });

  /** Run one training (or one recovery) and report how it ended. */
  async function run(id: string, work: (onEvent: (event: RunEvent) => void) => Promise<RunResult>) {
    state = 'running';
    runId = id;
    controller = new AbortController();
    if (stopWaiting) controller.abort();
    stopWaiting = false;
    terminalSent = false;
    const onEvent = (event: RunEvent) => {
      if (terminalSent) return;
      if (event.type === 'finished' || event.type === 'failed') terminalSent = true;
      void post(event);
    };
    try {
      const b = await backend;
      if ('error' in b) {
        const choice = engine.backendChoice ?? 'auto';
        // A backend the user picked that cannot run here is a setting to change, not a bug.
        if (choice !== 'auto') throw new InvalidInputError(`The "${choice}" backend cannot start here: ${b.error.message} Choose "auto" instead.`);
        throw new Error(`The TensorFlow.js backend did not start: ${b.error.message}`);
      }
      const result = await work(onEvent);
      if (!terminalSent) {
        terminalSent = true;
        await post({ type: 'finished', runId: id, result });
      }
    } catch (error) {
      if (!terminalSent) {
        terminalSent = true;
        if (error instanceof InvalidInputError) await fail(id, 'invalid-input', error.message);
        else {
          log(`run ${id} failed: ${(error as Error)?.stack ?? String(error)}`);
          await fail(id, 'internal', `Training failed: ${(error as Error)?.message ?? String(error)}`);
        }
      }
    } finally {
      state = 'done';
      runEnded();
      const next = waiting;
      waiting = null;
      next?.();
    }
  }

  channel.onMessage((raw) => {
    let request;
    try {
      request = parseTrainingProcessRequest(raw);
    } catch (error) {
      const maybe = raw as { type?: unknown; runId?: unknown } | null;
      if (maybe && typeof maybe === 'object' && maybe.type === 'train' && state !== 'running') {
        // A train request we cannot run: answer it, so the host does not wait for nothing.
        const id = typeof maybe.runId === 'string' && maybe.runId.length > 0 ? maybe.runId : 'unknown';
        state = 'done';
        void fail(id, 'invalid-input', (error as Error).message).then(runEnded);
      } else {
        log(`ignored an invalid message: ${(error as Error).message}`);
      }
      return;
    }
    if (request.type === 'stop') {
      if (state === 'running' && request.runId === runId) controller.abort();
      else if (waiting && request.runId === waitingId) stopWaiting = true;
      else log(`ignored a stop for run ${request.runId}: it is not running here`);
      return;
    }
    if (request.runId === runId || (waiting && request.runId === waitingId)) return log(`ignored a repeated train request for run ${request.runId}`);
    const begin =
      request.type === 'recover'
        ? () => void run(request.runId, (onEvent) => engine.recoverRun(request.runId, request.runsDir, { onEvent }))
        : () => void run(request.runId, (onEvent) => engine.runForecast(request.config, { runId: request.runId, onEvent, signal: controller.signal, runsDir: request.runsDir, bundleCharts: request.bundleCharts }));
    if (state !== 'running') return begin();
    if (terminalSent && !waiting) {
      // The last run has reported its end and is cleaning up: this one follows it.
      waiting = begin;
      waitingId = request.runId;
      return;
    }
    void fail(request.runId, 'internal', 'This training process is still running another training; send the next one when it has ended.');
  });

  /** Report an error that is about to end the process, so the host hears more than "it crashed". */
  async function reportFatal(error: unknown): Promise<void> {
    if (state !== 'running' || !runId) return;
    state = 'done';
    await fail(runId, 'internal', `The training process hit an unexpected error and stopped: ${(error as Error)?.message ?? String(error)}`);
  }

  return { ended, kind: channel.kind, reportFatal };
}
