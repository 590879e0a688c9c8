/**
 * A queue worker: takes training jobs from Redis (BullMQ) and runs each with the same engine as a local
 * run (runForecast), in this process. Each job is validated with the contract's schemas first. Bad data or
 * settings (InvalidInputError) fail the job for good (UnrecoverableError); other errors are retried by
 * BullMQ up to the job's attempts. A worker that dies mid-job loses its lock, and BullMQ's stalled-job
 * check gives the job to another worker; the job keeps its run id, so the run is recorded once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { describeJobProblem, TrainingJobSchema, type TrainingJobReturn } from '../../contract/queue-jobs.js';
import { InvalidInputError, parseRunConfig } from '../../contract/run-config.js';
import { runForecast } from '../../engine/run.js';
import { packRun } from './bundle-transfer.js';
import { cancelKey, connectRedis, QUEUE_PREFIX, safeQueueUrl, TRAINING_QUEUE } from './connection.js';
import { fetchDataset } from './datasets.js';

export interface QueueWorkerOptions {
  url: string;
  /** Jobs run at the same time in this process (default 1; `worker --concurrency N` runs N processes). */
  concurrency?: number;
  /** This worker's own folder: its dataset store (.queue-datasets) and the bundles it trains (kept). Default: a temporary folder, removed on close. */
  runsDir?: string | null;
  /** BullMQ lock of a job in hand (default 30 s): a worker silent this long is taken as dead. */
  lockDuration?: number;
  /** How often stalled jobs are looked for (default 30 s). */
  stalledInterval?: number;
  /** How often a job may stall before it fails (default 2). */
  maxStalledCount?: number;
  log?: (text: string) => void;
}

export interface QueueWorker {
  /** Finish the jobs in hand, then stop; with force, stop now (the jobs in hand go back to the queue once their lock expires). */
  close(force?: boolean): Promise<void>;
  readonly workDir: string;
}

/** The sentence of a job that stopped because its sweep was cancelled. */
export const CANCELLED_PREFIX = 'Cancelled:';

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? ((text: string) => process.stdout.write(`${new Date().toISOString()} worker ${process.pid}: ${text}\n`));
  const ownDir = !options.runsDir;
  const workDir = options.runsDir ?? (await mkdtemp(join(tmpdir(), 'forecast-workbench-worker-')));
  const storeDir = join(workDir, '.queue-datasets');
  const redis = connectRedis(options.url);
  redis.on('error', (error) => log(`Redis: ${error.message}`));

  async function waitForCancel(sweepId: string, controller: AbortController, stop: { done: boolean }): Promise<void> {
    while (!stop.done && !controller.signal.aborted) {
      const reason = await redis.get(cancelKey(sweepId)).catch(() => null);
      if (reason !== null) controller.abort(reason);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function runJob(job: Job, _token?: string, signal?: AbortSignal): Promise<TrainingJobReturn> {
    const checked = TrainingJobSchema.safeParse(job.data);
    if (!checked.success) throw new UnrecoverableError(describeJobProblem(checked.error));
    const data = checked.data;
    const cancelled = await redis.get(cancelKey(data.sweepId));
    if (cancelled !== null) throw new UnrecoverableError(`${CANCELLED_PREFIX} ${cancelled}`);
    log(`job ${data.runId} (point ${data.point + 1}, repeat ${data.repeat + 1}, seed ${data.seed}) started, attempt ${job.attemptsMade + 1}`);
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(String(signal.reason ?? 'the worker is stopping')));
    const stop = { done: false };
    void waitForCancel(data.sweepId, controller, stop);
    const bundleDir = join(workDir, data.runId);
    try {
      const path = await fetchDataset(redis, data.sweepId, data.dataset, storeDir);
      const training = (data.config.training ?? {}) as Record<string, unknown>;
      const config = parseRunConfig({ ...data.config, data: { ...data.config.data, path }, training: { ...training, seed: data.seed } });
      await rm(bundleDir, { recursive: true, force: true }); // a previous attempt of this worker's
      // A light bundle, as a local sweep's runs keep (no chart images): exporting the run from the history draws them.
      const result = await runForecast(config, { runId: data.runId, bundleDir, signal: controller.signal, bundleCharts: false });
      if (controller.signal.aborted) throw new UnrecoverableError(`${CANCELLED_PREFIX} ${String(controller.signal.reason)}`);
      const packed = await packRun(result, bundleDir);
      log(`job ${data.runId} finished: test RMSE ${result.metrics.test.rmse.toPrecision(4)}, ${result.trainSeconds.toFixed(1)} s, ${(packed.length / 1024).toFixed(0)} KiB back`);
      return { formatVersion: 1, runId: data.runId, packed };
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof UnrecoverableError)) {
        throw new UnrecoverableError(`${CANCELLED_PREFIX} ${String(controller.signal.reason)}`);
      }
      // A sweep cancelled meanwhile (its dataset may be gone from Redis already): the job ends as cancelled, not with what followed.
      const cancelledMeanwhile = error instanceof UnrecoverableError ? null : await redis.get(cancelKey(data.sweepId)).catch(() => null);
      if (cancelledMeanwhile !== null) throw new UnrecoverableError(`${CANCELLED_PREFIX} ${cancelledMeanwhile}`);
      log(`job ${data.runId} failed: ${(error as Error).message}`);
      if (error instanceof InvalidInputError) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      stop.done = true;
      if (ownDir) await rm(bundleDir, { recursive: true, force: true });
    }
  }

  const worker = new Worker(TRAINING_QUEUE, runJob, {
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  worker.on('error', (error) => log(`queue: ${error.message}`));
  await worker.waitUntilReady();
  log(`taking training jobs from ${safeQueueUrl(options.url)} (concurrency ${options.concurrency ?? 1}, folder ${workDir})`);

  return {
    workDir,
    async close(force = false) {
      await worker.close(force);
      redis.disconnect();
      if (ownDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}
