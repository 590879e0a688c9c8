/**
 * A pool of long-lived training processes for sweeps and seed repeats: at most `size` processes (one per core
 * by default), started through the host's launcher (child_process.fork or Electron's utilityProcess) with the
 * same training entry as any run, each taking one run after another. A sweep point then costs its training,
 * not a process start (tsx/TensorFlow.js import, the references' wasm), and what a process keeps in memory
 * between runs (the fitted statistical references of the same data) is reused.
 *
 * Every run is still accounted for:
 * - Stop: the run's process stops training after the current batch and finishes the run (its last epoch kept).
 * - A process that dies or falls silent (no heartbeat for `livenessTimeoutMs`; it is then SIGKILLed) costs only
 *   the run it was training: that run is trained again from the start in a new process (`retries`, default
 *   1), then reported 'failed'/'crashed' with a sentence; the pool starts a new process for the next run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../contract/run-config.js';
import type { RunEvent, RunFailedEvent, RunFinishedEvent } from '../contract/run-events.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, parseTrainingProcessMessage } from '../contract/training-process.js';
import { discardCheckpoint } from '../engine/train/checkpoint-location.js';
import type { TrainingProcessExit, TrainingProcessHandle, TrainingProcessLauncher } from './launcher.js';

export type PoolTerminal = RunFinishedEvent | RunFailedEvent;

export interface TrainingPoolOptions {
  launcher: TrainingProcessLauncher;
  /** Processes at most (each trains one run at a time). */
  size: number;
  /** Folder under which each run's bundle and checkpoint are written; null = none. */
  runsDir: string | null;
  /** How long a new process may take to report 'ready' (default 120 s). */
  readyTimeoutMs?: number;
  /** How long a process may stay silent before it is taken as hung and SIGKILLed (default 120 s). */
  livenessTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** false: the runs' bundles leave out the chart images (a sweep's light bundles). Default true. */
  bundleCharts?: boolean;
  /** How many times a run whose process died is trained again from the start (default 1). */
  retries?: number;
  log?: (text: string) => void;
}

interface Job {
  runId: string;
  config: RunConfig;
  onEvent: (event: RunEvent) => void;
  /** Processes that died while training it. */
  crashes: number;
  stopRequested: boolean;
  resolve: (terminal: PoolTerminal | null) => void;
}

interface PoolProcess {
  handle: TrainingProcessHandle;
  backend: RunConfig['backend'];
  ready: boolean;
  job: Job | null;
  /** Why the pool ended it, when it did. */
  endedBecause: string | null;
  timers: NodeJS.Timeout[];
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} seconds`;

function exitText(exit: TrainingProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

export class TrainingPool {
  private readonly processes = new Set<PoolProcess>();
  private readonly queue: Job[] = [];
  private disposed = false;
  private readonly log: (text: string) => void;

  constructor(private readonly options: TrainingPoolOptions) {
    this.log = options.log ?? ((text) => process.stderr.write(`training pool: ${text}\n`));
  }

  /**
   * Train a run in the next free process; its events go to `onEvent` (the final one included). Resolves with
   * the final event, or null when the run was stopped (or the pool disposed) before it began training.
   */
  run(runId: string, config: RunConfig, onEvent: (event: RunEvent) => void): Promise<PoolTerminal | null> {
    if (this.disposed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.queue.push({ runId, config, onEvent, crashes: 0, stopRequested: false, resolve });
      this.dispatch();
    });
  }

  /** Stop a run: dropped if it waits, stopped after its current batch if it trains. False if unknown. */
  stop(runId: string): boolean {
    const waiting = this.queue.findIndex((j) => j.runId === runId);
    if (waiting >= 0) {
      const [job] = this.queue.splice(waiting, 1);
      job.resolve(null);
      return true;
    }
    const owner = [...this.processes].find((p) => p.job?.runId === runId);
    if (!owner || !owner.job) return false;
    if (!owner.job.stopRequested) {
      owner.job.stopRequested = true;
      if (owner.ready) owner.handle.send({ type: 'stop', runId });
    }
    return true;
  }

  /** The pid of the process training a run (for diagnostics and tests), or null. */
  pidOf(runId: string): number | null {
    for (const p of this.processes) if (p.job?.runId === runId) return p.handle.pid ?? null;
    return null;
  }

  /** End every process; runs that wait resolve with null. */
  dispose(): void {
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.resolve(null);
    for (const p of this.processes) {
      p.endedBecause = 'The workbench is shutting down.';
      for (const timer of p.timers) clearTimeout(timer);
      p.handle.kill();
    }
  }

  /** Hand waiting runs to idle processes of their backend; start processes while below the size. */
  private dispatch(): void {
    while (!this.disposed && this.queue.length > 0) {
      const next = this.queue[0];
      const idle = [...this.processes].find((p) => p.ready && !p.job && !p.endedBecause && p.backend === next.config.backend);
      if (idle) {
        this.queue.shift();
        this.assign(idle, next);
        continue;
      }
      const live = [...this.processes].filter((p) => !p.endedBecause);
      if (live.length < this.options.size) {
        this.queue.shift();
        this.launch(next);
        continue;
      }
      // Full: an idle process of another backend makes room.
      const other = live.find((p) => p.ready && !p.job);
      if (!other) return;
      this.end(other, 'Its backend is not the one the next run needs.');
      this.queue.shift();
      this.launch(next);
    }
  }

  private assign(p: PoolProcess, job: Job): void {
    p.job = job;
    p.handle.send({ type: 'train', runId: job.runId, config: job.config, runsDir: this.options.runsDir, bundleCharts: this.options.bundleCharts });
    if (job.stopRequested) p.handle.send({ type: 'stop', runId: job.runId });
  }

  private launch(job: Job): void {
    const handle = this.options.launcher.launch({
      backend: job.config.backend,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    });
    const p: PoolProcess = { handle, backend: job.config.backend, ready: false, job, endedBecause: null, timers: [] };
    this.processes.add(p);
    const readyTimeout = this.options.readyTimeoutMs ?? 120_000;
    const livenessTimeout = this.options.livenessTimeoutMs ?? 120_000;
    p.timers.push(
      setTimeout(() => {
        if (!p.ready) this.end(p, `The training process did not start within ${seconds(readyTimeout)}, so it was ended.`);
      }, readyTimeout),
    );
    const liveness = setTimeout(
      () => this.end(p, `The training process stopped responding (nothing heard from it for ${seconds(livenessTimeout)}), so it was ended.`),
      livenessTimeout,
    );
    p.timers.push(liveness);
    handle.onMessage((raw) => {
      liveness.refresh();
      this.onMessage(p, raw);
    });
    handle.onExit((exit) => this.onExit(p, exit));
  }

  /** End a process at once (SIGKILL: a hung process acts on nothing else). */
  private end(p: PoolProcess, reason: string): void {
    if (p.endedBecause) return;
    p.endedBecause = reason;
    this.log(reason);
    p.handle.kill('SIGKILL');
  }

  private onMessage(p: PoolProcess, raw: unknown): void {
    if (p.endedBecause) return;
    let message;
    try {
      message = parseTrainingProcessMessage(raw);
    } catch (error) {
      this.log(`ignored an invalid message from a training process: ${(error as Error).message}`);
      return;
    }
    if (message.type === 'heartbeat') return;
    if (message.type === 'ready') {
      if (p.ready) return;
      p.ready = true;
      clearTimeout(p.timers[0]);
      const job = p.job;
      if (job) {
        if (job.stopRequested) {
          // Stopped before it began: nothing to train.
          p.job = null;
          job.resolve(null);
          this.dispatch();
        } else this.assign(p, job);
      } else this.dispatch();
      return;
    }
    const job = p.job;
    if (!job || message.runId !== job.runId) return;
    job.onEvent(message);
    if (message.type === 'finished' || message.type === 'failed') {
      p.job = null;
      job.resolve(message);
      this.dispatch();
    }
  }

  private onExit(p: PoolProcess, exit: TrainingProcessExit): void {
    this.processes.delete(p);
    for (const timer of p.timers) clearTimeout(timer);
    const job = p.job;
    p.job = null;
    if (job && !this.disposed) {
      job.crashes++;
      const cause = p.endedBecause ?? `The training process stopped unexpectedly (${exitText(exit)}).`;
      this.forgetAttempt(job.runId);
      if (!job.stopRequested && job.crashes <= (this.options.retries ?? 1)) {
        job.onEvent({ type: 'message', runId: job.runId, level: 'warning', text: `${cause} Training this run again from the start in a new process…` });
        this.queue.unshift(job);
      } else {
        const terminal: RunFailedEvent = {
          type: 'failed',
          runId: job.runId,
          kind: 'crashed',
          message: `${cause.replace(/\.$/, '')} while training this run${job.crashes > 1 ? `, ${job.crashes} times` : ''}; the other runs went on.`,
        };
        job.onEvent(terminal);
        job.resolve(terminal);
      }
    }
    this.dispatch();
  }

  /** What a dead attempt left on disk (its checkpoint; a bundle written without a 'finished' after it). */
  private forgetAttempt(runId: string): void {
    const { runsDir } = this.options;
    if (!runsDir) return;
    try {
      discardCheckpoint(runsDir, runId);
      rmSync(join(runsDir, runId), { recursive: true, force: true });
    } catch (error) {
      this.log(`could not remove what run ${runId} left: ${(error as Error).message}`);
    }
  }
}
