/**
 * Queued sweeps for hosts and the CLI (`sweep --queue`): the same plan as a local sweep (grid or random
 * points × repeat seeds, engine/runs/sweep-plan.ts) sent to the Redis queue as one flow (sweep.ts), with
 * every run recorded in the local run store as it happens: 'running' when a worker takes its job,
 * finished with its whole result (the bundle unpacked beside it), or failed / cancelled with the sentence.
 * The status is a SweepStatus (ranked points, spreads, verdicts) plus what runs now, what was cancelled
 * and why each run ended; the queue URL in it carries no password.
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
import { expandSweep, rankPoints, summarisePoint, type PlannedPoint } from '../../engine/runs/sweep-plan.js';
import { sweepRanking } from '../sweep-service.js';
import type { QueueSweepOutcome, QueueSweepProgress } from './sweep.js';

export interface QueueSweepServiceOptions {
  store: RunStore;
  log?: (text: string) => void;
}

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

  constructor(private readonly options: QueueSweepServiceOptions) {}

  /**
   * Check the request and that the queue answers, then send the sweep; resolves once it is on its way.
   * Throws InvalidInputError for bad settings, a sweep over the confirmation limit, or a queue that cannot be reached.
   */
  async start(input: QueueSweepRequestInput, hooks: QueueSweepHooks = {}): Promise<{ sweepId: string; total: number }> {
    const request = parseWith(QueueSweepRequestSchema, input, 'queued sweep');
    const { points, total } = expandSweep(request);
    const { rankBy, warning } = sweepRanking(request);
    // BullMQ and ioredis load only when a sweep goes to a queue.
    const [{ reachQueue }, { queueSweep }] = await Promise.all([import('./connection.js'), import('./sweep.js')]);
    await reachQueue(request.queueUrl);
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
    const ranked = rankPoints(points, sweep.rankBy);
    const elapsedSeconds = ((sweep.endedAt ?? performance.now()) - sweep.startedAt) / 1000;
    const { done, failed, running, cancelled } = sweep.progress;
    const ended = done + failed + cancelled;
    const remaining = sweep.total - ended;
    let bestRunId: string | null = null;
    let bestScore = Infinity;
    for (const id of ranked[0]?.runIds ?? []) {
      const m = sweep.records.get(id)?.metrics;
      const score = m ? (sweep.rankBy === 'validation' ? m.validation?.rmse : m.test.rmse) : undefined;
      if (typeof score === 'number' && score < bestScore) [bestRunId, bestScore] = [id, score];
    }
    return {
      sweepId: sweep.sweepId,
      state: sweep.state,
      total: sweep.total,
      done,
      failed,
      elapsedSeconds,
      etaSeconds: sweep.endedAt !== null ? 0 : ended > 0 ? (elapsedSeconds / ended) * remaining : null,
      parallel: running,
      rankBy: sweep.rankBy,
      warning: sweep.warning,
      ranked,
      bestRunId,
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

  /** Cancel every sweep still running (the host is going away). */
  dispose(): void {
    for (const sweep of this.sweeps.values()) if (sweep.state === 'running') this.cancel(sweep.sweepId, 'the workbench that sent the sweep was closed');
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

  dispose(): void {
    this.sweeps.dispose();
  }
}
