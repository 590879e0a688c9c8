/**
 * Queued sweeps for hosts and the CLI (`sweep --queue`): the same plan as a local sweep (grid or random
 * points × repeat seeds, engine/runs/sweep-plan.ts) sent to the Redis queue as one flow (sweep.ts), with
 * every run recorded in the local run store as it happens: 'running' when a worker takes its job,
 * finished with its whole result (the bundle unpacked beside it), or failed / cancelled with the sentence.
 * The status is a SweepStatus (ranked points, spreads, verdicts) plus what runs now, what was cancelled
 * and why each run ended; the queue URL in it carries no password. A queued sweep takes no `parallel`: each
 * worker's --concurrency says how many runs go at once. Closing the host (dispose) cancels its sweeps and
 * waits until Redis holds nothing of them and their connections are closed (DEPLOY.md says what is left when
 * a worker does not answer); no later host or CLI collects a sweep another one sent.
 */
import { InvalidInputError, parseWith } from '../../contract/run-config.js';
import { queueSweepChannels } from '../../contract/queue-sweeps.js';
import { queuedRunId } from '../../contract/queue-jobs.js';
import type { QueueSweepChannel } from '../../contract/workbench-api.js';
import type { z } from 'zod';
import type { RunRecord } from '../../contract/run-history.js';
import {
  QueueSweepRequestSchema,
  queueUrlWithoutPassword,
  type QueueRunOutcome,
  type QueueSweepRequestInput,
  type QueueSweepStatus,
} from '../../contract/queue-sweeps.js';
import { newRunId } from '../../engine/run-id.js';
import type { RunStore } from '../../engine/runs/store.js';
import { expandSweep, summarisePoint, sweepStatus, type PlannedPoint } from '../../engine/runs/sweep-plan.js';
import { sweepRanking } from '../sweep-service.js';
import type { QueueSweepOutcome, QueueSweepProgress } from './sweep.js';

/** The sentence for a queued sweep given a number of parallel processes (`sweep --queue … --parallel P`). */
const QUEUE_PARALLEL_PROBLEM =
  'Parallel processes (--parallel) are for a sweep on this machine: a queued sweep is trained by the workers, so start each one with `forecast-workbench worker --queue URL --concurrency N` to train N runs at a time on its machine.';

export interface QueueSweepServiceOptions {
  store: RunStore;
  log?: (text: string) => void;
  /** After a cancel, how long the workers get to stop the jobs in hand (queue/sweep.ts, default 15 s). */
  cancelGraceMs?: number;
  /** The longest dispose waits for its sweeps to end (default 30 s). */
  closeLimitMs?: number;
}

/** Why the runs of a sweep ended when the host that sent it closed. */
const CLOSED_REASON = 'the workbench that sent the sweep was closed';

interface QueuedSweep {
  sweepId: string;
  queue: string;
  state: QueueSweepStatus['state'];
  rankBy: 'validation' | 'test';
  warning: string | null;
  total: number;
  startedAt: number;
  endedAt: number | null;
  points: PlannedPoint[];
  records: Map<string, RunRecord>;
  progress: QueueSweepProgress;
  ended: QueueRunOutcome[];
  problem: string | null;
  cancel: AbortController;
  done: Promise<QueueSweepStatus>;
}

export interface QueueSweepHooks {
  /** After every change of the counts, and after each run that ended (latest). */
  onProgress?: (status: QueueSweepStatus, latest: QueueRunOutcome | null) => void;
}

export class QueueSweepService {
  private readonly sweeps = new Map<string, QueuedSweep>();
  private closed = false;

  constructor(private readonly options: QueueSweepServiceOptions) {}

  /**
   * Check the request and that the queue answers, then send the sweep; resolves once it is on its way.
   * Throws InvalidInputError for bad settings, a sweep over the confirmation limit, or a queue that cannot be reached.
   */
  async start(input: QueueSweepRequestInput, hooks: QueueSweepHooks = {}): Promise<{ sweepId: string; total: number }> {
    const request = parseWith(QueueSweepRequestSchema, input, 'queued sweep');
    // This process trains nothing: how many runs go at once is each worker's --concurrency.
    if (request.parallel !== null) throw new InvalidInputError(QUEUE_PARALLEL_PROBLEM);
    const { points, total } = expandSweep(request);
    const { rankBy, warning } = sweepRanking(request);
    // BullMQ and ioredis load only when a sweep goes to a queue.
    const [{ reachQueue }, { queueSweep }] = await Promise.all([import('./connection.js'), import('./sweep.js')]);
    await reachQueue(request.queueUrl);
    if (this.closed) throw new Error('The workbench is closing, so the sweep was not sent.');
    const sweepId = newRunId().replace(/^run-/, 'sweep-');
    const { store } = this.options;
    const cancel = new AbortController();
    const sweep: QueuedSweep = {
      sweepId,
      queue: queueUrlWithoutPassword(request.queueUrl),
      state: 'running',
      rankBy,
      warning,
      total,
      startedAt: performance.now(),
      endedAt: null,
      points,
      records: new Map(),
      progress: { total, done: 0, running: 0, failed: 0, cancelled: 0 },
      ended: [],
      problem: null,
      cancel,
      done: Promise.resolve(null as never),
    };
    const begun = new Set<string>();
    const begin = async (runId: string, point: number, config: PlannedPoint['configs'][number]) => {
      if (begun.has(runId)) return;
      begun.add(runId);
      await store.begin(runId, config, { sweepId, sweepPoint: point });
    };
    const keep = async (work: () => Promise<RunRecord>, runId: string) => {
      try {
        sweep.records.set(runId, await work());
      } catch (error) {
        this.options.log?.(`sweep ${sweepId}: could not record run ${runId}: ${(error as Error).message}`);
      }
    };
    const report = (latest: QueueRunOutcome | null) => hooks.onProgress?.(this.statusOf(sweep), latest);
    const onOutcome = async (outcome: QueueSweepOutcome, config: PlannedPoint['configs'][number]) => {
      const { runId } = outcome;
      const reason = outcome.reason ?? null;
      if (outcome.status === 'finished' && outcome.result) {
        await keep(async () => {
          await begin(runId, outcome.point, config);
          return store.finish(runId, outcome.result!);
        }, runId);
      } else if (outcome.status === 'failed' || begun.has(runId)) {
        // A failed run is kept with its sentence; a cancelled one only if a worker had started it.
        await keep(async () => {
          await begin(runId, outcome.point, config);
          return store.fail(runId, outcome.status === 'cancelled' ? 'cancelled' : 'failed', reason ?? 'The job failed for an unknown reason.');
        }, runId);
      }
      sweep.ended.push({ runId, point: outcome.point, repeat: outcome.repeat, seed: outcome.seed, status: outcome.status, reason });
    };
    sweep.done = queueSweep(points, {
      url: request.queueUrl,
      runsDir: store.dir,
      sweepId,
      attempts: request.attempts,
      signal: cancel.signal,
      cancelGraceMs: this.options.cancelGraceMs,
      onStarted: async (job, config) => {
        try {
          await begin(job.runId, job.point, config);
        } catch (error) {
          this.options.log?.(`sweep ${sweepId}: could not record run ${job.runId}: ${(error as Error).message}`);
        }
      },
      onOutcome,
      onProgress: (progress) => {
        sweep.progress = progress;
        report(progress.latest ? (sweep.ended.at(-1) ?? null) : null);
      },
    }).then(
      () => this.finish(sweep),
      (error: Error) => {
        sweep.problem = `The queued sweep stopped: ${error.message.split('\n')[0]}`;
        this.options.log?.(`sweep ${sweepId}: ${sweep.problem}`);
        return this.finish(sweep);
      },
    );
    this.sweeps.set(sweepId, sweep);
    return { sweepId, total };
  }

  private finish(sweep: QueuedSweep): QueueSweepStatus {
    sweep.endedAt = performance.now();
    sweep.state = sweep.state === 'running' && sweep.problem === null ? 'finished' : 'stopped';
    return this.statusOf(sweep);
  }

  private statusOf(sweep: QueuedSweep): QueueSweepStatus {
    const points = sweep.points.map((p) => {
      const runIds = p.configs.map((_, r) => queuedRunId(sweep.sweepId, p.point, r)).filter((id) => sweep.records.has(id));
      return summarisePoint(p, runIds, runIds.map((id) => sweep.records.get(id)!));
    });
    const { done, failed, running, cancelled } = sweep.progress;
    return {
      ...sweepStatus(sweep, { done, failed, parallel: running, ended: done + failed + cancelled }, points),
      queue: sweep.queue,
      running,
      cancelled,
      ended: [...sweep.ended],
      problem: sweep.problem,
    };
  }

  private get(sweepId: string): QueuedSweep {
    const sweep = this.sweeps.get(sweepId);
    if (!sweep) throw new InvalidInputError(`There is no queued sweep ${sweepId} in this session.`);
    return sweep;
  }

  status(sweepId: string): QueueSweepStatus {
    return this.statusOf(this.get(sweepId));
  }

  /** Resolves when every run of the sweep has ended (or the sweep stopped with a problem). */
  wait(sweepId: string): Promise<QueueSweepStatus> {
    return this.get(sweepId).done;
  }

  /** Cancel the sweep: queued jobs are removed, running ones stop; each ends as cancelled with the reason. */
  cancel(sweepId: string, reason = 'the sweep was cancelled'): boolean {
    const sweep = this.get(sweepId);
    if (sweep.state !== 'running') return false;
    sweep.state = 'stopping';
    sweep.cancel.abort(reason);
    return true;
  }

  /**
   * The host is going away: cancel every sweep still running and resolve once each has ended — its queued
   * jobs removed from Redis, the jobs in a worker's hands stopped as cancelled (or, past the cancel grace,
   * left to stop on their own), every run recorded, the sweep's keys gone and its Redis connections closed.
   * Runs that had finished stay in the run store. No wait lasts more than closeLimitMs (a Redis that does not
   * answer any more); later starts are refused.
   */
  async dispose(): Promise<void> {
    this.closed = true;
    const open = [...this.sweeps.values()].filter((sweep) => sweep.endedAt === null);
    for (const sweep of open) if (sweep.state === 'running') this.cancel(sweep.sweepId, CLOSED_REASON);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeLimitMs ?? 30_000)));
    await Promise.race([Promise.all(open.map((sweep) => sweep.done)), limit]);
    clearTimeout(timer);
  }
}

type Request<C extends QueueSweepChannel> = z.infer<(typeof queueSweepChannels)[C]['request']>;
type Response<C extends QueueSweepChannel> = z.infer<(typeof queueSweepChannels)[C]['response']>;

/** The host side of the 'queue-sweep:*' channels; the dataset named by the page is resolved by the host first. */
export class QueueSweepChannels {
  constructor(
    private readonly sweeps: QueueSweepService,
    private readonly resolveDataPath: (path: string) => Promise<string>,
  ) {}

  handles(channel: string): channel is QueueSweepChannel {
    return Object.prototype.hasOwnProperty.call(queueSweepChannels, channel);
  }

  call<C extends QueueSweepChannel>(channel: C, request: Request<C>): Promise<Response<C>> {
    return (this.handlers[channel] as (r: unknown) => Promise<Response<C>>)(request);
  }

  private readonly handlers: { [C in QueueSweepChannel]: (request: Request<C>) => Promise<Response<C>> } = {
    'queue-sweep:start': async (request) => {
      const path = await this.resolveDataPath(request.base.data.path);
      return this.sweeps.start({ ...request, base: { ...request.base, data: { ...request.base.data, path } } });
    },
    'queue-sweep:status': async ({ sweepId }) => this.sweeps.status(sweepId),
    'queue-sweep:cancel': async ({ sweepId }) => ({ cancelling: this.sweeps.cancel(sweepId, 'cancelled in the workbench') }),
  };

  dispose(): Promise<void> {
    return this.sweeps.dispose();
  }
}
