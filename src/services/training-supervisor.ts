/**
 * Runs trainings, one training process per run, through an injected launcher (child_process.fork or
 * Electron's utilityProcess). Validates what the process sends, relays run events to listeners,
 * forwards Stop, and turns a process that dies without a final 'finished'/'failed' into a 'failed'
 * event of kind 'crashed', after which new runs work as before. Keeps finished results by runId.
 */
import { InvalidInputError, parseRunConfig, type RunConfig } from '../contract/run-config.js';
import type { RunEvent, RunEventListener, RunFailedEvent, RunFinishedEvent } from '../contract/run-events.js';
import type { RunResult } from '../contract/run-result.js';
import { parseTrainingProcessMessage } from '../contract/training-process.js';
import { newRunId } from '../engine/run-id.js';
import { isRecoverable } from '../engine/train/checkpoint-location.js';
import type { TrainingProcessExit, TrainingProcessHandle, TrainingProcessLauncher } from './launcher.js';

export interface TrainingSupervisorOptions {
  launcher: TrainingProcessLauncher;
  /** Folder under which each run's bundle is written (runsDir/runId); null = write none. */
  runsDir: string | null;
  /** Runs allowed to train at the same time (default 1: training uses every core it gets). */
  maxConcurrentRuns?: number;
  /** Finished results kept in memory for export (default 20, oldest dropped first). */
  keepResults?: number;
  /** How long a new process may take to report 'ready' (default 120 s). */
  readyTimeoutMs?: number;
  /** After Stop, how long to wait for the run to end before the process is killed (default 60 s). */
  stopTimeoutMs?: number;
  log?: (text: string) => void;
}

type Terminal = RunFinishedEvent | RunFailedEvent;

interface ActiveRun {
  runId: string;
  handle: TrainingProcessHandle;
  config: RunConfig;
  ready: boolean;
  /** The first process died after a checkpoint: a second process is finishing the run from it. */
  recovering: boolean;
  stopRequested: boolean;
  killedBySupervisor: string | null;
  terminal: Terminal | null;
  timers: NodeJS.Timeout[];
  done: Promise<Terminal>;
  resolveDone: (t: Terminal) => void;
}

const RUN_ID = /^[A-Za-z0-9._-]{1,80}$/;

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
    const max = this.options.maxConcurrentRuns ?? 1;
    if (this.runs.size >= max) {
      throw new InvalidInputError(
        max === 1
          ? 'A training is already running. Stop it or wait for it to finish before starting another.'
          : `${max} trainings are already running. Stop one or wait before starting another.`,
      );
    }

    const handle = this.options.launcher.launch({ backend: config.backend });
    let resolveDone!: (t: Terminal) => void;
    const done = new Promise<Terminal>((resolve) => (resolveDone = resolve));
    const run: ActiveRun = { runId, handle, config, ready: false, recovering: false, stopRequested: false, killedBySupervisor: null, terminal: null, timers: [], done, resolveDone };
    this.runs.set(runId, run);

    this.watch(run, handle);
    return runId;
  }

  /** Listen to a run's process, and end it if it does not report 'ready' in time. */
  private watch(run: ActiveRun, handle: TrainingProcessHandle): void {
    run.timers.push(
      setTimeout(() => {
        if (!run.ready && !run.terminal) {
          run.killedBySupervisor = `The training process did not start within ${Math.round((this.options.readyTimeoutMs ?? 120_000) / 1000)} seconds.`;
          handle.kill();
        }
      }, this.options.readyTimeoutMs ?? 120_000),
    );
    handle.onMessage((raw) => this.onProcessMessage(run, raw));
    handle.onExit((exit) => this.onProcessExit(run, exit));
  }

  /** The run's process died after writing a checkpoint: finish the run from it in a new process. */
  private recover(run: ActiveRun, reason: string): void {
    this.emit({ type: 'message', runId: run.runId, level: 'warning', text: `${reason} Recovering the run from its last checkpoint…` });
    run.recovering = true;
    run.ready = false;
    // Timers of the dead process (a pending Stop's kill) must not end the recovery.
    for (const timer of run.timers) clearTimeout(timer);
    run.timers = [];
    run.handle = this.options.launcher.launch({ backend: run.config.backend });
    this.watch(run, run.handle);
  }

  /** Ask a run to stop after its current batch (it keeps the last finished epoch). False if it is not running. */
  stop(runId: string): boolean {
    const run = this.runs.get(runId);
    if (!run || run.terminal) return false;
    if (run.stopRequested) return true;
    run.stopRequested = true;
    if (run.ready) run.handle.send({ type: 'stop', runId });
    const timeout = this.options.stopTimeoutMs ?? 60_000;
    run.timers.push(
      setTimeout(() => {
        if (!run.terminal) {
          run.killedBySupervisor = `The training did not stop within ${Math.round(timeout / 1000)} seconds after Stop, so its process was ended.`;
          run.handle.kill();
        }
      }, timeout),
    );
    return true;
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

  /** End every training process; no events follow. */
  dispose(): void {
    this.disposed = true;
    for (const run of this.runs.values()) {
      run.killedBySupervisor = 'The workbench is shutting down.';
      run.handle.kill();
    }
    this.listeners.clear();
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
    if (message.type === 'ready') {
      if (run.ready) return;
      run.ready = true;
      this.lastBackend = message.backend;
      if (run.recovering) {
        run.handle.send({ type: 'recover', runId: run.runId, runsDir: this.options.runsDir! });
        return;
      }
      run.handle.send({ type: 'train', runId: run.runId, config: run.config, runsDir: this.options.runsDir });
      if (run.stopRequested) run.handle.send({ type: 'stop', runId: run.runId });
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
    const reason = run.killedBySupervisor ?? `The training process ${how} before the run finished.`;
    const { runsDir } = this.options;
    if (!run.killedBySupervisor && !run.recovering && runsDir && isRecoverable(runsDir, run.runId)) {
      this.recover(run, reason);
      return;
    }
    const detail = exit.stderrTail ? ` Its last words: ${lastLine(exit.stderrTail)}` : '';
    this.settle(run, {
      type: 'failed',
      runId: run.runId,
      kind: 'crashed',
      message: `${reason} Nothing from this run was kept; the workbench is ready for a new run.${detail}`,
    });
  }
}

/** The most telling line of a dying process's stderr: its last error line, else its last line. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = lines.findLast((l) => /^([\w.]*(Error|Exception)\b|FATAL|fatal)/.test(l));
  return (errorLine ?? lines.at(-1) ?? '').slice(0, 300);
}
