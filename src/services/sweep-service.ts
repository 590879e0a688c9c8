/**
 * Sweeps and seed repeats: the points of a grid (or a random draw of it), each over N seeds, trained in a
 * pool of long-lived training processes — one per core by default — started through the host's launcher
 * (child_process.fork or Electron's utilityProcess) with the same entry as any run (services/training-pool.ts):
 * each process takes one run after another, a crash costs one point (trained again once, then failed), Stop
 * cancels what is queued and stops what runs, and every run lands in the run store as it happens.
 * A failing point records its sentence and the sweep goes on.
 */
import { availableParallelism } from 'node:os';
import { InvalidInputError } from '../contract/run-config.js';
import type { RunEvent } from '../contract/run-events.js';
import { SweepRequestSchema, type RunRecord, type SweepRequest, type SweepRequestInput, type SweepStatus } from '../contract/run-history.js';
import { parseWith } from '../contract/run-config.js';
import { newRunId } from '../engine/run-id.js';
import { expandSweep, summarisePoint, sweepStatus, type PlannedPoint } from '../engine/runs/sweep-plan.js';
import { RunRecorder } from '../engine/runs/recorder.js';
import type { RunStore } from '../engine/runs/store.js';
import type { TrainingProcessLauncher } from './launcher.js';
import { TrainingPool } from './training-pool.js';

export interface SweepServiceOptions {
  launcher: TrainingProcessLauncher;
  store: RunStore;
  log?: (text: string) => void;
}

interface QueuedRun {
  point: PlannedPoint;
  seedIndex: number;
}

interface Sweep {
  sweepId: string;
  state: SweepStatus['state'];
  rankBy: 'validation' | 'test';
  warning: string | null;
  parallel: number;
  total: number;
  startedAt: number;
  endedAt: number | null;
  points: PlannedPoint[];
  runIds: Map<number, string[]>;
  records: Map<string, RunRecord>;
  queue: QueuedRun[];
  active: Set<string>;
  pool: TrainingPool;
  /** Settles when the last run started by pump has been handed to the pool. */
  handoff: Promise<void>;
  recorder: RunRecorder;
  done: Promise<SweepStatus>;
  resolveDone: (status: SweepStatus) => void;
  onEvent?: (event: RunEvent) => void;
}

const TEST_SET_WARNING =
  'Ranked by test RMSE: choosing settings by their test error overstates how well the best one will do on new data. Hold out a validation share and rank by validation loss instead.';

/** What a sweep is ranked by (test RMSE when there is no validation share) and the warning that goes with it; queued sweeps use it too. */
export function sweepRanking(request: Pick<SweepRequest, 'rankBy' | 'base'>): { rankBy: 'validation' | 'test'; warning: string | null } {
  if (request.rankBy === 'validation' && request.base.prep.validationFraction === 0) {
    return {
      rankBy: 'test',
      warning: `There is no validation share (validation 0), so the runs are ranked by test RMSE instead: choosing settings by their test error overstates how well the best one will do on new data. Set a validation share to rank by validation loss.`,
    };
  }
  return { rankBy: request.rankBy, warning: request.rankBy === 'test' ? TEST_SET_WARNING : null };
}

export class SweepService {
  private readonly sweeps = new Map<string, Sweep>();

  constructor(private readonly options: SweepServiceOptions) {}

  /**
   * Check the request, plan its runs and start them; returns at once. Throws InvalidInputError for bad
   * settings or a sweep over the confirmation limit without confirmation.
   */
  start(input: SweepRequestInput, hooks: { onEvent?: (event: RunEvent) => void } = {}): { sweepId: string; total: number } {
    const request = parseWith(SweepRequestSchema, input, 'sweep');
    const { points, total } = expandSweep(request);
    const { rankBy, warning } = sweepRanking(request);
    const parallel = Math.max(1, Math.min(request.parallel ?? availableParallelism(), total));
    const sweepId = newRunId().replace(/^run-/, 'sweep-');
    // Light bundles (no chart images): the history's export draws them (RunHistoryService, addBundleCharts).
    const pool = new TrainingPool({ launcher: this.options.launcher, size: parallel, runsDir: this.options.store.dir, bundleCharts: false, log: this.options.log });
    const recorder = new RunRecorder(this.options.store, { log: this.options.log });
    let resolveDone!: (status: SweepStatus) => void;
    const done = new Promise<SweepStatus>((resolve) => (resolveDone = resolve));
    const sweep: Sweep = {
      sweepId,
      state: 'running',
      rankBy,
      warning,
      parallel,
      total,
      startedAt: performance.now(),
      endedAt: null,
      points,
      runIds: new Map(points.map((p) => [p.point, []])),
      records: new Map(),
      queue: points.flatMap((point) => point.configs.map((_, seedIndex) => ({ point, seedIndex }))),
      active: new Set(),
      pool,
      handoff: Promise.resolve(),
      recorder,
      done,
      resolveDone,
      onEvent: hooks.onEvent,
    };
    this.sweeps.set(sweepId, sweep);
    this.pump(sweep);
    return { sweepId, total };
  }

  private pump(sweep: Sweep): void {
    // Twice the processes: each process's next run is recorded and waiting in the pool while it trains, so it
    // never idles while the host writes a run's record.
    while (sweep.state === 'running' && sweep.active.size < sweep.parallel * 2 && sweep.queue.length) {
      const { point, seedIndex } = sweep.queue.shift()!;
      const config = point.configs[seedIndex];
      const runId = newRunId();
      sweep.runIds.get(point.point)!.push(runId);
      sweep.active.add(runId);
      void this.launch(sweep, runId, point, config);
    }
    if (sweep.active.size === 0 && (sweep.queue.length === 0 || sweep.state !== 'running')) this.finish(sweep);
  }

  /** Record the run, then start it; a point that cannot start records its sentence and the sweep goes on. */
  private async launch(sweep: Sweep, runId: string, point: PlannedPoint, config: PlannedPoint['configs'][number]): Promise<void> {
    // Runs reach the pool in the plan's order, whichever record is written first.
    const turn = sweep.handoff;
    let handed!: () => void;
    sweep.handoff = new Promise<void>((resolve) => (handed = resolve));
    let training: ReturnType<TrainingPool['run']>;
    let recorded: Promise<void> = Promise.resolve();
    try {
      try {
        await sweep.recorder.begin(runId, config, { sweepId: sweep.sweepId, sweepPoint: point.point });
      } catch (error) {
        this.options.log?.(`sweep ${sweep.sweepId}: could not record run ${runId}: ${(error as Error).message}`);
        sweep.active.delete(runId);
        sweep.runIds.set(point.point, sweep.runIds.get(point.point)!.filter((id) => id !== runId));
        this.pump(sweep);
        return;
      }
      await turn;
      // Stopped while the record was being written: the run never started.
      if (sweep.state !== 'running') return await this.neverStarted(sweep, runId, point);
      training = sweep.pool.run(runId, config, (event) => {
        sweep.onEvent?.(event);
        recorded = sweep.recorder.onEvent(event);
      });
    } finally {
      handed();
    }
    const terminal = await training;
    // Stopped before a process began training it.
    if (terminal === null) return this.neverStarted(sweep, runId, point);
    await recorded;
    await this.ended(sweep, runId);
  }

  /** A run recorded but never trained leaves nothing behind. */
  private async neverStarted(sweep: Sweep, runId: string, point: PlannedPoint): Promise<void> {
    await this.options.store.delete(runId, { neverStarted: true }).catch(() => false);
    sweep.active.delete(runId);
    sweep.runIds.set(point.point, sweep.runIds.get(point.point)!.filter((id) => id !== runId));
    this.pump(sweep);
  }

  private async ended(sweep: Sweep, runId: string): Promise<void> {
    if (!sweep.active.has(runId)) return;
    try {
      sweep.records.set(runId, await this.options.store.get(runId));
    } catch (error) {
      this.options.log?.(`sweep ${sweep.sweepId}: run ${runId} has no readable record: ${(error as Error).message}`);
    }
    // Active until its record is read: another run ending meanwhile must not finish the sweep without this one.
    sweep.active.delete(runId);
    this.pump(sweep);
  }

  private finish(sweep: Sweep): void {
    if (sweep.endedAt !== null) return;
    sweep.endedAt = performance.now();
    sweep.state = sweep.state === 'running' ? 'finished' : 'stopped';
    sweep.pool.dispose();
    sweep.resolveDone(this.statusOf(sweep));
  }

  private statusOf(sweep: Sweep): SweepStatus {
    const points = sweep.points.map((p) => {
      const runIds = sweep.runIds.get(p.point)!;
      const records = runIds.map((id) => sweep.records.get(id)).filter((r): r is RunRecord => !!r);
      return summarisePoint(p, runIds, records);
    });
    const done = sweep.records.size;
    const failed = [...sweep.records.values()].filter((r) => !r.metrics).length;
    return sweepStatus(sweep, { done, failed, parallel: sweep.parallel, ended: done }, points);
  }

  private get(sweepId: string): Sweep {
    const sweep = this.sweeps.get(sweepId);
    if (!sweep) throw new InvalidInputError(`There is no sweep ${sweepId} in this session.`);
    return sweep;
  }

  status(sweepId: string): SweepStatus {
    return this.statusOf(this.get(sweepId));
  }

  /** The pid of the training process that trains a run of the sweep, or null (for diagnostics and tests). */
  processOf(sweepId: string, runId: string): number | null {
    return this.get(sweepId).pool.pidOf(runId);
  }

  /** Resolves when every run of the sweep has ended. */
  wait(sweepId: string): Promise<SweepStatus> {
    return this.get(sweepId).done;
  }

  /** Cancel what is queued and stop what runs (each keeps its last finished epoch). */
  stop(sweepId: string): boolean {
    const sweep = this.get(sweepId);
    if (sweep.state !== 'running') return false;
    sweep.state = 'stopping';
    sweep.queue = [];
    for (const runId of sweep.active) sweep.pool.stop(runId);
    this.pump(sweep);
    return true;
  }

  dispose(): void {
    for (const sweep of this.sweeps.values()) {
      sweep.queue = [];
      sweep.pool.dispose();
    }
  }
}
