/**
 * Sending a sweep to the queue: every point (× repeats) becomes one BullMQ training job under one parent
 * flow. The results come back as the jobs' return values (RunResult + bundle files, gzip-compressed; see
 * bundle-transfer.ts) and are written into the LOCAL runs folder (runsDir/<runId>) as each job finishes,
 * so a Redis restart later loses no finished result. A run id is deterministic per job
 * (<sweepId>-p<point>-r<repeat>): a job retried after its worker died records the same run, once.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { FlowProducer, Job, Queue } from 'bullmq';
import { queuedRunId, TrainingJobReturnSchema, TrainingJobSchema, type DatasetRef, type TrainingJob } from '../../contract/queue-jobs.js';
import type { RunConfig } from '../../contract/run-config.js';
import type { RunResult } from '../../contract/run-result.js';
import { newRunId } from '../../engine/run-id.js';
import { unpackRun, writeRunFolder } from './bundle-transfer.js';
import { cancelKey, closeRedis, connectRedis, datasetKey, QUEUE_PREFIX, SWEEP_QUEUE, TRAINING_QUEUE } from './connection.js';
import { storeDataset } from './datasets.js';
import { CANCELLED_PREFIX } from './worker.js';

export interface QueueSweepProgress {
  total: number;
  done: number;
  running: number;
  failed: number;
  cancelled: number;
  /** What just happened, if anything: a run that finished, failed or was cancelled. */
  latest?: QueueSweepOutcome;
}

export interface QueueSweepOutcome {
  runId: string;
  point: number;
  repeat: number;
  seed: number;
  status: 'finished' | 'failed' | 'cancelled';
  result?: RunResult;
  /** Why it failed or was cancelled: a sentence for people. */
  reason?: string;
}

/** The points of a sweep as engine/runs/sweep-plan.ts plans them: one configuration per seed (repeat). */
export interface QueuedPoint {
  point: number;
  configs: RunConfig[];
}

export interface QueueSweepOptions {
  url: string;
  /** The local runs folder the results are written to (runsDir/<runId>). */
  runsDir: string;
  onProgress?: (progress: QueueSweepProgress) => void;
  /** A worker has taken the job (called once per job, before its outcome). */
  onStarted?: (job: TrainingJob, config: RunConfig) => Promise<void> | void;
  /** A job has ended; awaited before the progress that reports it (a finished run's bundle is already in runsDir). */
  onOutcome?: (outcome: QueueSweepOutcome, config: RunConfig) => Promise<void> | void;
  /** Abort = cancel the sweep: queued jobs are removed, running ones stop; each says why (the abort reason). */
  signal?: AbortSignal;
  /**
   * After a cancel, how long to wait for the workers to stop the jobs they have in hand (default 15 s; a
   * worker sees the cancel within about a second). Jobs still in hand then are left to their worker: they end
   * as cancelled, since the cancel flag stays in Redis for a day, and are reported cancelled here at once.
   */
  cancelGraceMs?: number;
  /** Tries per job for errors other than bad data (default 3; bad data is never retried). */
  attempts?: number;
  pollIntervalMs?: number;
  sweepId?: string;
}

export interface QueueSweepSummary {
  sweepId: string;
  outcomes: QueueSweepOutcome[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long a sweep's cancel flag stays in Redis: a job a worker still holds, or takes later, ends as cancelled. */
const CANCEL_FLAG_SECONDS = 24 * 60 * 60;

export async function queueSweep(points: QueuedPoint[], options: QueueSweepOptions): Promise<QueueSweepSummary> {
  const sweepId = options.sweepId ?? newRunId().replace(/^run-/, 'sweep-');
  const redis = connectRedis(options.url);
  redis.on('error', () => {}); // commands wait for the reconnection; the loop below goes on after it
  const queue = new Queue(TRAINING_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  const sweeps = new Queue(SWEEP_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  const flows = new FlowProducer({ connection: redis, prefix: QUEUE_PREFIX });
  // Connection errors while Redis restarts: the commands wait for the reconnection, the loop goes on.
  queue.on('error', () => {});
  sweeps.on('error', () => {});
  flows.on('error', () => {});
  const datasets = new Map<string, DatasetRef>();
  const jobs: TrainingJob[] = [];
  const localConfigs = new Map<string, RunConfig>();
  let leftToWorkers = false;
  try {
    for (const { point, configs } of points) {
      for (const [r, config] of configs.entries()) {
        const dataset = await storeDataset(redis, sweepId, config.data.path, datasets);
        const { path: _path, ...data } = config.data;
        const seed = config.training.seed ?? randomInt(0, 2_147_483_647);
        const job = TrainingJobSchema.parse({ formatVersion: 1, sweepId, runId: queuedRunId(sweepId, point, r), point, repeat: r, seed, dataset, config: { ...config, data } });
        jobs.push(job);
        localConfigs.set(job.runId, { ...config, training: { ...config.training, seed } });
      }
    }
    await flows.add({
      name: 'sweep',
      queueName: SWEEP_QUEUE,
      opts: { jobId: sweepId },
      data: { sweepId, total: jobs.length },
      children: jobs.map((job) => ({
        name: 'train',
        queueName: TRAINING_QUEUE,
        data: job,
        opts: {
          jobId: job.runId,
          attempts: options.attempts ?? 3,
          backoff: { type: 'exponential', delay: 1000 },
          ignoreDependencyOnFailure: true,
        },
      })),
    });

    const pending = new Map(jobs.map((job) => [job.runId, job]));
    const outcomes: QueueSweepOutcome[] = [];
    const progress: QueueSweepProgress = { total: jobs.length, done: 0, running: 0, failed: 0, cancelled: 0 };
    let cancelReason: string | null = null;
    let cancelledAt = 0;
    const started = new Set<string>();
    const settle = async (job: TrainingJob, outcome: Omit<QueueSweepOutcome, 'runId' | 'point' | 'repeat' | 'seed'>) => {
      const full: QueueSweepOutcome = { runId: job.runId, point: job.point, repeat: job.repeat, seed: job.seed, ...outcome };
      outcomes.push(full);
      pending.delete(job.runId);
      await options.onOutcome?.(full, localConfigs.get(job.runId)!);
      if (full.status === 'finished') progress.done++;
      else if (full.status === 'failed') progress.failed++;
      else progress.cancelled++;
      options.onProgress?.({ ...progress, latest: full });
    };

    while (pending.size > 0) {
      if (options.signal?.aborted && cancelReason === null) {
        cancelReason = String(options.signal.reason ?? 'the sweep was cancelled');
        cancelledAt = performance.now();
        await redis.set(cancelKey(sweepId), cancelReason, 'EX', CANCEL_FLAG_SECONDS);
      }
      const states = new Map<TrainingJob, string>();
      for (const job of pending.values()) states.set(job, await queue.getJobState(job.runId));
      const running = [...states.values()].filter((state) => state === 'active').length;
      if (running !== progress.running) {
        progress.running = running;
        options.onProgress?.({ ...progress });
      }
      for (const [job, state] of states) {
        if (state === 'active' && !started.has(job.runId)) {
          started.add(job.runId);
          await options.onStarted?.(job, localConfigs.get(job.runId)!);
        }
        if (state === 'completed') {
          const finished = await Job.fromId(queue, job.runId);
          let run: ReturnType<typeof unpackRun>;
          try {
            run = unpackRun(TrainingJobReturnSchema.parse(finished?.returnvalue).packed);
          } catch (error) {
            await settle(job, { status: 'failed', reason: `The run finished but its result came back damaged, so it was not recorded (${(error as Error).message.split('\n')[0]}).` });
            continue;
          }
          const localPath = localConfigs.get(job.runId)!.data.path;
          run.result.config.data.path = localPath;
          run.result.dataset.path = localPath;
          run.result.bundleDir = join(options.runsDir, job.runId);
          await writeRunFolder(options.runsDir, job.runId, run);
          await settle(job, { status: 'finished', result: run.result });
        } else if (state === 'failed') {
          const reason = (await Job.fromId(queue, job.runId))?.failedReason ?? 'unknown reason';
          if (reason.startsWith(CANCELLED_PREFIX)) await settle(job, { status: 'cancelled', reason: reason.slice(CANCELLED_PREFIX.length).trim() });
          else await settle(job, { status: 'failed', reason });
        } else if (state === 'unknown' && cancelReason === null) {
          await settle(job, { status: 'failed', reason: 'The job is no longer in the queue: it was removed from Redis before it finished.' });
        } else if (cancelReason !== null && state !== 'active') {
          const queued = await Job.fromId(queue, job.runId);
          const removed = queued ? await queued.remove().then(() => true, () => false) : true;
          if (removed) await settle(job, { status: 'cancelled', reason: cancelReason });
        }
      }
      if (cancelReason !== null && pending.size > 0 && performance.now() - cancelledAt > (options.cancelGraceMs ?? 15_000)) {
        leftToWorkers = true;
        for (const job of [...pending.values()]) await settle(job, { status: 'cancelled', reason: cancelReason });
      }
      if (pending.size > 0) await sleep(options.pollIntervalMs ?? 250);
    }
    outcomes.sort((a, b) => a.point - b.point || a.repeat - b.repeat);
    return { sweepId, outcomes };
  } finally {
    // Everything of the sweep leaves Redis: its flow (the parent and its jobs), datasets and cancel flag;
    // the flag stays (for a day) while a worker still holds one of its jobs, and so does the flow (BullMQ keeps
    // a flow with a job in hand).
    await (await Job.fromId(sweeps, sweepId).catch(() => undefined))?.remove().catch(() => {});
    const datasetKeys = [...new Set([...datasets.values()].map((d) => d.sha256))].map((sha) => datasetKey(sweepId, sha));
    const keys = leftToWorkers ? datasetKeys : [cancelKey(sweepId), ...datasetKeys];
    await redis.del(...keys).catch(() => {});
    await flows.close();
    await queue.close();
    await sweeps.close();
    await closeRedis(redis);
  }
}
