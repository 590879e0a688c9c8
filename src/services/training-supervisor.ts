/**
 * Runs trainings, one training process per run, through an injected launcher (child_process.fork or
 * Electron's utilityProcess). Validates what the process sends, relays run events to listeners,
 * forwards Stop, and keeps every run accounted for:
 *
 * - Liveness: a ready process must be heard from (a heartbeat, any message) at least every
 *   `livenessTimeoutMs`; one that is not (hung, or stopped by SIGSTOP) is ended with SIGKILL.
 * - Stop ends training within a batch; a process that still reports training `stopTimeoutMs` after Stop is
 *   ended. Evaluating and writing the bundle after Stop are limited only by liveness, never by that timeout.
 * - A process that dies or is ended for any reason before its final event is replaced by a recovery process
 *   that finishes the run from its checkpoint; without a checkpoint the run is reported as 'failed'/'crashed'.
 *   If the recovery process dies too, the run is reported as failed with its checkpoint kept on disk, listed
 *   by `interruptedRuns()` and recoverable later with `recoverInterrupted(runId)` (as are the checkpoints a
 *   previous host left: a double crash, a host that died mid-run).
 *
 * Keeps finished results by runId.
 */
import { BACKEND_CHOICES, InvalidInputError, parseRunConfig, type RunConfig } from '../contract/run-config.js';
import type { RunEvent, RunEventListener, RunFailedEvent, RunFinishedEvent } from '../contract/run-events.js';
import type { RunResult } from '../contract/run-result.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, parseTrainingProcessMessage, type InterruptedRun } from '../contract/training-process.js';
import { newRunId } from '../engine/run-id.js';
import { discardCheckpoint, interruptedRuns, isRecoverable, repairCheckpoint } from '../engine/train/checkpoint-location.js';
import type { TrainingProcessExit, TrainingProcessHandle, TrainingProcessLauncher } from './launcher.js';

export interface TrainingSupervisorOptions {
  launcher: TrainingProcessLauncher;
  /** Folder under which each run's bundle is written (runsDir/runId); null = write none. */
  runsDir: string | null;
  /** Runs allowed to train at the same time (default 1: training uses every core it gets). */
  maxConcurrentRuns?: number;
  /** Finished results kept in memory for export (default 20, oldest dropped first). */
  keepResults?: number;
  /** How long a new process may take to report 'ready' before it is ended (default 120 s). */
  readyTimeoutMs?: number;
  /**
   * After Stop, how long the process may go on reporting training (batch or epoch events) before it is ended
   * and the run recovered from its checkpoint (default 60 s). Evaluation after Stop is not limited by it.
   */
  stopTimeoutMs?: number;
  /**
   * How long a ready process may stay silent (no heartbeat, no event) before it is taken as hung and ended
   * with SIGKILL (default 120 s: generous, because a single synchronous step of evaluating a large run on the
   * pure-JS backend can hold the process's event loop for tens of seconds).
   */
  livenessTimeoutMs?: number;
  /** How often training processes post a heartbeat (default DEFAULT_HEARTBEAT_INTERVAL_MS = 1 s). */
  heartbeatIntervalMs?: number;
  /** Sweep the checkpoints folder (see interruptedRuns) when the supervisor is created (default true). */
  sweepAtStart?: boolean;
  log?: (text: string) => void;
}

type Terminal = RunFinishedEvent | RunFailedEvent;

interface ActiveRun {
  runId: string;
  handle: TrainingProcessHandle;
  /** The run's configuration; null for a run recovered from a checkpoint a previous host left. */
  config: RunConfig | null;
  backend: RunConfig['backend'];
  ready: boolean;
  /** The current process finishes the run from its checkpoint (after a crash, or on request). */
  recovering: boolean;
  stopRequested: boolean;
  /** When Stop was handed to a ready process (Date.now()), for the stop timeout. */
  stopSentAt: number | null;
  killedBySupervisor: string | null;
  terminal: Terminal | null;
  timers: NodeJS.Timeout[];
  done: Promise<Terminal>;
  resolveDone: (t: Terminal) => void;
}

const RUN_ID = /^[A-Za-z0-9._-]{1,80}$/;
const seconds = (ms: number) => `${Math.round(ms / 1000)} seconds`;

export class TrainingSupervisor {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly results = new Map<string, RunResult>();
  private readonly finished = new Map<string, Terminal>();
  private readonly listeners = new Set<RunEventListener>();
  private lastBackend: string | null = null;
  private disposed = false;
  private readonly log: (text: string) => void;

  constructor(private readonly options: TrainingSupervisorOptions) {
    this.log = options.log ?? ((text) => process.stderr.write(`training supervisor: ${text}\n`));
    if (options.runsDir && options.sweepAtStart !== false) {
      try {
        const found = interruptedRuns(options.runsDir, { sweep: true });
        if (found.length > 0) this.log(`${found.length} interrupted run(s) can be recovered from their checkpoints: ${found.map((r) => r.runId).join(', ')}`);
      } catch (error) {
        this.log(`could not sweep the checkpoints folder: ${(error as Error).message}`);
      }
    }
  }

  /** The backend the last training process reported (null before the first run). */
  get backend(): string | null {
    return this.lastBackend;
  }

  get runsDir(): string | null {
    return this.options.runsDir;
  }

  /** Listen to every run's events; returns an unsubscribe function. */
  onEvent(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Validate the configuration and start a run in a new training process. Returns its run id at once;
   * progress and the result arrive as events. Throws InvalidInputError for a bad configuration or when
   * too many runs are training.
   */
  start(configInput: unknown, runId: string = newRunId()): string {
    if (this.disposed) throw new Error('The training supervisor has been shut down.');
    const config = parseRunConfig(configInput);
    if (!RUN_ID.test(runId)) throw new InvalidInputError(`"${runId}" is not a valid run id: use letters, digits, dot, dash or underscore.`);
    if (this.runs.has(runId) || this.finished.has(runId)) throw new InvalidInputError(`A run with id ${runId} already exists.`);
    this.checkCapacity();
    this.launchRun(runId, config, config.backend, false);
    return runId;
  }

  /**
   * Runs whose checkpoints are on disk although no process is finishing them: left by a host that died
   * mid-run, or by a recovery that was ended too. Each can be finished with recoverInterrupted.
   */
  interruptedRuns(): InterruptedRun[] {
    const { runsDir } = this.options;
    if (!runsDir) return [];
    return interruptedRuns(runsDir, { activeRunIds: this.runs.keys() });
  }

  /** Finish an interrupted run from its checkpoint in a new process; its events arrive like any run's. */
  recoverInterrupted(runId: string): string {
    if (this.disposed) throw new Error('The training supervisor has been shut down.');
    const { runsDir } = this.options;
    if (this.runs.has(runId)) throw new InvalidInputError(`Run ${runId} is already being trained or recovered.`);
    const found = runsDir && RUN_ID.test(runId) ? this.interruptedRuns().find((r) => r.runId === runId) : undefined;
    if (!found) throw new InvalidInputError(`There is no interrupted run ${runId} to recover.`);
    this.checkCapacity();
    this.finished.delete(runId);
    const backend = BACKEND_CHOICES.find((b) => b === found.backend) ?? 'auto';
    this.launchRun(runId, null, backend, true);
    return runId;
  }

  /** Remove an interrupted run's checkpoint (the user does not want it recovered). */
  discardInterrupted(runId: string): boolean {
    const { runsDir } = this.options;
    if (!runsDir || this.runs.has(runId) || !this.interruptedRuns().some((r) => r.runId === runId)) return false;
    discardCheckpoint(runsDir, runId);
    return true;
  }

  private checkCapacity(): void {
    const max = this.options.maxConcurrentRuns ?? 1;
    if (this.runs.size >= max) {
      throw new InvalidInputError(
        max === 1
          ? 'A training is already running. Stop it or wait for it to finish before starting another.'
          : `${max} trainings are already running. Stop one or wait before starting another.`,
      );
    }
  }

  private launch(backend: RunConfig['backend']): TrainingProcessHandle {
    return this.options.launcher.launch({ backend, heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS });
  }

  private launchRun(runId: string, config: RunConfig | null, backend: RunConfig['backend'], recovering: boolean): void {
    const handle = this.launch(backend);
    let resolveDone!: (t: Terminal) => void;
    const done = new Promise<Terminal>((resolve) => (resolveDone = resolve));
    const run: ActiveRun = {
      runId,
      handle,
      config,
      backend,
      ready: false,
      recovering,
      stopRequested: false,
      stopSentAt: null,
      killedBySupervisor: null,
      terminal: null,
      timers: [],
      done,
      resolveDone,
    };
    this.runs.set(runId, run);
    this.watch(run, handle);
  }

  /** End the run's current process at once (SIGKILL: a hung or stopped process acts on nothing else). */
  private end(run: ActiveRun, handle: TrainingProcessHandle, reason: string): void {
    if (run.handle !== handle || run.terminal || run.killedBySupervisor) return;
    run.killedBySupervisor = reason;
    this.log(`run ${run.runId}: ${reason}`);
    handle.kill('SIGKILL');
  }

  /** Listen to a run's process, and end it if it does not report 'ready' in time or falls silent. */
  private watch(run: ActiveRun, handle: TrainingProcessHandle): void {
    const readyTimeout = this.options.readyTimeoutMs ?? 120_000;
    const livenessTimeout = this.options.livenessTimeoutMs ?? 120_000;
    run.timers.push(
      setTimeout(() => {
        if (!run.ready) this.end(run, handle, `The training process did not start within ${seconds(readyTimeout)}, so it was ended.`);
      }, readyTimeout),
    );
    let liveness: NodeJS.Timeout | null = null;
    handle.onMessage((raw) => {
      if (run.handle !== handle) return;
      if (liveness) liveness.refresh();
      else if (run.ready || (raw as { type?: unknown } | null)?.type === 'ready') {
        liveness = setTimeout(
          () =>
            this.end(run, handle, `The training process stopped responding (nothing heard from it for ${seconds(livenessTimeout)}), so it was ended.`),
          livenessTimeout,
        );
        run.timers.push(liveness);
      }
      this.onProcessMessage(run, raw);
    });
    handle.onExit((exit) => {
      if (run.handle === handle) this.onProcessExit(run, exit);
    });
  }

  /** The run's process died after writing a checkpoint: finish the run from it in a new process. */
  private recover(run: ActiveRun, reason: string): void {
    this.emit({ type: 'message', runId: run.runId, level: 'warning', text: `${reason} Recovering the run from its last checkpoint…` });
    run.recovering = true;
    run.ready = false;
    run.killedBySupervisor = null;
    run.stopSentAt = null;
    // Timers of the dead process (its liveness, a pending Stop) must not end the recovery.
    for (const timer of run.timers) clearTimeout(timer);
    run.timers = [];
    run.handle = this.launch(run.backend);
    this.watch(run, run.handle);
  }

  /** Ask a run to stop after its current batch (it keeps the last finished epoch). False if it is not running. */
  stop(runId: string): boolean {
    const run = this.runs.get(runId);
    if (!run || run.terminal) return false;
    if (run.stopRequested) return true;
    run.stopRequested = true;
    if (run.ready && !run.recovering) this.sendStop(run);
    return true;
  }

  private sendStop(run: ActiveRun): void {
    run.stopSentAt = Date.now();
    run.handle.send({ type: 'stop', runId: run.runId });
  }

  /** Resolves with the run's final event ('finished' or 'failed'). */
  waitFor(runId: string): Promise<Terminal> {
    const run = this.runs.get(runId);
    if (run) return run.done;
    const terminal = this.finished.get(runId);
    if (terminal) return Promise.resolve(terminal);
    return Promise.reject(new InvalidInputError(`There is no run ${runId}.`));
  }

  isRunning(runId: string): boolean {
    return this.runs.has(runId);
  }

  activeRunIds(): string[] {
    return [...this.runs.keys()];
  }

  /** The result of a finished run, while it is kept in memory. */
  getResult(runId: string): RunResult | undefined {
    return this.results.get(runId);
  }

  /** End every training process; no events follow. Checkpoints stay on disk for the next start. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    for (const run of this.runs.values()) {
      run.killedBySupervisor = 'The workbench is shutting down.';
      for (const timer of run.timers) clearTimeout(timer);
      run.handle.kill();
    }
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`a run event listener threw: ${(error as Error).message}`);
      }
    }
  }

  private onProcessMessage(run: ActiveRun, raw: unknown): void {
    if (run.terminal) return;
    let message;
    try {
      message = parseTrainingProcessMessage(raw);
    } catch (error) {
      const type = (raw as { type?: unknown } | null)?.type;
      this.log(`run ${run.runId}: ignored an invalid message from the training process: ${(error as Error).message}`);
      if (type === 'finished' || type === 'failed') {
        // The run is over but its report is unreadable: say so rather than wait for the process to exit.
        this.settle(run, {
          type: 'failed',
          runId: run.runId,
          kind: 'internal',
          message: `The training process sent a final report the workbench could not read (${(error as Error).message}).`,
        });
      }
      return;
    }
    if (message.type === 'heartbeat') return;
    if (message.type === 'ready') {
      if (run.ready) return;
      run.ready = true;
      this.lastBackend = message.backend;
      if (run.recovering || !run.config) {
        run.handle.send({ type: 'recover', runId: run.runId, runsDir: this.options.runsDir! });
        return;
      }
      run.handle.send({ type: 'train', runId: run.runId, config: run.config, runsDir: this.options.runsDir });
      if (run.stopRequested) this.sendStop(run);
      return;
    }
    if (message.runId !== run.runId) {
      this.log(`run ${run.runId}: ignored an event for another run (${message.runId})`);
      return;
    }
    if (message.type === 'finished' || message.type === 'failed') {
      this.settle(run, message);
      return;
    }
    const stopTimeout = this.options.stopTimeoutMs ?? 60_000;
    if (run.stopSentAt !== null && reportsTraining(message) && Date.now() - run.stopSentAt > stopTimeout) {
      // Still training long after Stop: end it; the run is recovered from its last checkpoint.
      this.end(run, run.handle, `The training did not stop within ${seconds(stopTimeout)} after Stop, so its process was ended.`);
      return;
    }
    this.emit(message);
  }

  private settle(run: ActiveRun, terminal: Terminal): void {
    if (run.terminal) return;
    run.terminal = terminal;
    for (const timer of run.timers) clearTimeout(timer);
    this.runs.delete(run.runId);
    this.finished.set(run.runId, terminal);
    if (terminal.type === 'finished') {
      this.results.set(run.runId, terminal.result);
      const keep = this.options.keepResults ?? 20;
      while (this.results.size > keep) this.results.delete(this.results.keys().next().value!);
    }
    while (this.finished.size > 200) this.finished.delete(this.finished.keys().next().value!);
    // One run per process: end it now that it has reported.
    run.handle.kill();
    this.emit(terminal);
    run.resolveDone(terminal);
  }

  private onProcessExit(run: ActiveRun, exit: TrainingProcessExit): void {
    if (run.terminal) return;
    const how = exit.signal ? `was ended by signal ${exit.signal}` : `exited with code ${exit.code}`;
    const what = run.recovering ? 'The process recovering the run' : 'The training process';
    const reason = run.killedBySupervisor ?? `${what} ${how} before the run finished.`;
    const { runsDir } = this.options;
    const checkpointKept = !!runsDir && repairCheckpointQuietly(runsDir, run.runId);
    if (runsDir && (checkpointKept || isRecoverable(runsDir, run.runId)) && !run.recovering && !this.disposed) {
      this.recover(run, reason);
      return;
    }
    const detail = exit.stderrTail ? ` Its last words: ${lastLine(exit.stderrTail)}` : '';
    const kept = checkpointKept
      ? ' Its checkpoint is kept on disk: the run is listed among the interrupted runs and can be recovered from there.'
      : ' Nothing from this run was kept; the workbench is ready for a new run.';
    this.settle(run, { type: 'failed', runId: run.runId, kind: 'crashed', message: `${reason}${kept}${detail}` });
  }
}

/** Events that say the run is still training: batches, epochs (one or several), a 'training' phase. */
const TRAINING_EVENTS = new Set(['batch', 'epoch', 'epochs']);
function reportsTraining(event: RunEvent): boolean {
  return TRAINING_EVENTS.has(event.type) || ((event.type as string) === 'phase' && (event as { phase?: unknown }).phase === 'training');
}

function repairCheckpointQuietly(runsDir: string, runId: string): boolean {
  try {
    return repairCheckpoint(runsDir, runId);
  } catch {
    return false;
  }
}

/** The most telling line of a dying process's stderr: its last error line, else its last line. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = lines.findLast((l) => /^([\w.]*(Error|Exception)\b|FATAL|fatal)/.test(l));
  return (errorLine ?? lines.at(-1) ?? '').slice(0, 300);
}
