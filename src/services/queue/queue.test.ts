/**
 * The queue against a real redis-server (started here, on a free loopback port in 41800-41899, with
 * appendonly) and real worker processes running the CLI's `worker` command. No mock of Redis or BullMQ.
 * Skipped, with a message, only where redis-server is not installed (`apt-get install redis-server`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, parseRunConfig, type RunConfig } from '../../contract/run-config.js';
import { bundledDatasetPath } from '../../engine/data/bundled-datasets.js';
import { runForecast } from '../../engine/run.js';
import { RunStore } from '../../engine/runs/store.js';
import { SweepRequestSchema, type SweepRequestInput } from '../../contract/run-history.js';
import { expandSweep } from '../../engine/runs/sweep-plan.js';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queuedRunId } from '../../contract/queue-jobs.js';
import type { ChannelResponse } from '../../contract/workbench-api.js';
import { createStandardHost } from '../create-host.js';
import { forkLauncher } from '../fork-launcher.js';
import { cancelKey, QUEUE_PREFIX, TRAINING_QUEUE } from './connection.js';
import { queueSweep, type QueueSweepProgress } from './sweep.js';
import { freeLoopbackPort, LocalRedisServer, redisServerInstalled, startWorkerProcess, type WorkerProcess } from './local-redis.js';

const hasRedis = redisServerInstalled();
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'forecast-workbench.mjs');
/** The real command line in a child process (the built lib/: run `npm run build:node` after changing src/). */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
if (!hasRedis) console.warn('queue tests skipped: redis-server is not installed (apt-get install redis-server).');

const startWorker = (url: string, dir: string) => startWorkerProcess(url, dir, ['--lock-duration', '4000', '--stalled-interval', '1000']);
const startedLines = (worker: WorkerProcess, runId: string) => worker.log.filter((line) => line.includes(`job ${runId} (`) && line.includes('started'));
/** The sweep's points as `sweep` plans them (one seed each). */
const plan = (base: RunConfig, grid: SweepRequestInput['grid'] = {}) => expandSweep(SweepRequestSchema.parse({ base, grid })).points;
const runFolders = async (dir: string) => (await readdir(dir).catch(() => [])).filter((name) => !name.startsWith('.')).sort();

describe.skipIf(!hasRedis)('sweeps on a Redis queue with real worker processes', () => {
  let dir: string;
  let redis: LocalRedisServer;
  let workers: WorkerProcess[] = [];
  const tutorial = (overrides: object = {}): RunConfig =>
    parseRunConfig({ data: { path: bundledDatasetPath() }, training: { epochs: 2, batchSize: 32, seed: 1 }, ...overrides });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-queue-test-'));
    redis = new LocalRedisServer(await freeLoopbackPort(), dir);
    await redis.start();
    workers = [startWorker(redis.url, join(dir, 'worker-a')), startWorker(redis.url, join(dir, 'worker-b'))];
    await Promise.all(workers.map((w) => w.waitFor(/taking training jobs/)));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a 12-point sweep over two workers, one SIGKILLed mid-job, and records all 12 results exactly once', async () => {
    const points = plan(tutorial(), { units: [2, 3, 4], 'time-steps': [6, 12], 'learning-rate': [0.01, 0.001] });
    expect(points).toHaveLength(12);
    const runsDir = join(dir, 'runs-12');
    const [victim, survivor] = workers;
    let killedRunId: string | null = null;
    void victim.waitFor(/job (\S+) \(point .* started/).then((match) => {
      victim.child.kill('SIGKILL'); // mid-job: the job was taken and has not finished
      killedRunId = match[1];
    });
    const progress: QueueSweepProgress[] = [];
    const summary = await queueSweep(points, { url: redis.url, runsDir, onProgress: (p) => progress.push(p) });

    expect(victim.child.signalCode ?? (await new Promise((r) => victim.child.once('exit', (_c, s) => r(s))))).toBe('SIGKILL');
    expect(killedRunId).not.toBeNull();
    const ids = points.map((_, i) => `${summary.sweepId}-p${i}-r0`);
    expect(summary.outcomes.map((o) => o.status)).toEqual(Array(12).fill('finished'));
    expect(summary.outcomes.map((o) => o.runId)).toEqual(ids);
    expect(await runFolders(runsDir)).toEqual([...ids].sort());
    // The killed worker's job was taken again by the other worker (BullMQ's stalled-job check).
    expect(startedLines(survivor, killedRunId!)).toHaveLength(1);
    expect(survivor.log.some((line) => line.includes(`job ${killedRunId} finished`))).toBe(true);
    // Each result is a whole bundle with the run's settings.
    const first = summary.outcomes[0].result!;
    expect(first.config.model.layers[0].units).toBe(2);
    expect(first.config.data.path).toBe(bundledDatasetPath());
    expect(await readdir(join(runsDir, ids[0]))).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'metadata.json']));
    const last = progress.at(-1)!;
    expect([last.done, last.failed, last.total]).toEqual([12, 0, 12]);
  });

  it('fails a job with bad data once, with its sentence, and does not retry it', async () => {
    const badCsv = join(dir, 'words.csv');
    await writeFile(badCsv, `month,value\n${Array.from({ length: 60 }, (_, i) => `2000-${i},word${i}`).join('\n')}\n`);
    const bad = tutorial({ data: { path: badCsv } });
    const expected = await runForecast(bad).then(
      () => 'no error',
      (error) => (error instanceof InvalidInputError ? error.message : `not an InvalidInputError: ${error}`),
    );
    expect(expected).not.toMatch(/^no error|^not an/);
    const runsDir = join(dir, 'runs-bad');
    const summary = await queueSweep([{ point: 0, configs: [bad] }, { point: 1, configs: [tutorial()] }], { url: redis.url, runsDir, attempts: 3 });
    const [failed, good] = summary.outcomes;
    expect(failed.status).toBe('failed');
    expect(failed.reason).toBe(expected);
    expect(good.status).toBe('finished');
    const starts = workers.flatMap((w) => startedLines(w, failed.runId));
    expect(starts).toHaveLength(1);
    expect(await runFolders(runsDir)).toEqual([good.runId]);
  });

  it('cancels a sweep: queued and running jobs end as cancelled with the reason, finished runs stay', async () => {
    // Runs on the tfjs trainer, slow enough to be cancelled: the fused kernel with light bundles ends them all
    // before a cancel lands.
    const points = plan(tutorial({ trainer: 'tfjs', training: { epochs: 5, batchSize: 8, seed: 1 } }), { units: [2, 3, 4, 5, 6, 7] });
    const runsDir = join(dir, 'runs-cancel');
    const cancel = new AbortController();
    const summary = await queueSweep(points, {
      url: redis.url,
      runsDir,
      signal: cancel.signal,
      onProgress: (p) => p.latest?.status === 'finished' && cancel.abort('stopped by the test'),
    });
    const statuses = new Set(summary.outcomes.map((o) => o.status));
    expect([...statuses].every((s) => s === 'finished' || s === 'cancelled')).toBe(true);
    const cancelled = summary.outcomes.filter((o) => o.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThanOrEqual(3);
    for (const o of cancelled) expect(o.reason).toBe('stopped by the test');
    const finished = summary.outcomes.filter((o) => o.status === 'finished').map((o) => o.runId);
    expect(await runFolders(runsDir)).toEqual(finished.sort());
  });

  it('loses no finished result when Redis restarts during the sweep', async () => {
    workers.push(startWorker(redis.url, join(dir, 'worker-c')));
    const points = plan(tutorial(), { units: [2, 3, 4, 5, 6, 7] });
    const runsDir = join(dir, 'runs-restart');
    let restart: Promise<void> | null = null;
    const beforeRestart: string[] = [];
    const summary = await queueSweep(points, {
      url: redis.url,
      runsDir,
      onProgress: (p) => {
        if (p.latest?.status === 'finished' && !restart) {
          beforeRestart.push(p.latest.runId);
          restart = redis.stop().then(() => redis.start());
        }
      },
    });
    await restart;
    expect(beforeRestart).toHaveLength(1);
    expect(summary.outcomes.map((o) => o.status)).toEqual(Array(6).fill('finished'));
    expect(await runFolders(runsDir)).toEqual(summary.outcomes.map((o) => o.runId).sort());
  });

  it('runs `sweep --queue` from the command line: progress as JSON lines, every run in the local run store', async () => {
    const runsDir = join(dir, 'runs-cli');
    const args = ['sweep', '--queue', redis.url, '--grid', 'units=2,3', '--repeat', '2', '--epochs', '2', '--batch-size', '32', '--seed', '1', '--rank-by', 'test', '--runs-dir', runsDir, '--json'];
    const { stdout, code } = await runCli(args);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { progress?: { total: number; done: number; running: number; failed: number }; sweep?: { sweepId: string; total: number; done: number; failed: number; runs: Array<{ runId: string; status: string; seed: number; sweepPoint: number }>; best: unknown; queue: string } });
    const progress = lines.filter((l) => l.progress).map((l) => l.progress!);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.every((p) => p.total === 4 && p.done + p.running + p.failed <= 4)).toBe(true);
    expect(progress.some((p) => p.running > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ total: 4, done: 4, running: 0, failed: 0 });
    const sweep = lines.at(-1)!.sweep!;
    expect([sweep.total, sweep.done, sweep.failed]).toEqual([4, 4, 0]);
    expect(sweep.queue).toBe(`${redis.url}`.replace(/\/?$/, ''));
    expect(sweep.best).not.toBeNull();
    expect(sweep.runs.map((r) => r.seed).sort()).toEqual([1, 1, 2, 2]);
    // The results are in the local run history: records and bundles, under the sweep's id.
    const listing = await new RunStore(runsDir, { origin: 'cli' }).list();
    expect(listing.problems).toEqual([]);
    expect(listing.runs.map((r) => r.runId).sort()).toEqual(sweep.runs.map((r) => r.runId).sort());
    for (const run of listing.runs) {
      expect(run).toMatchObject({ status: 'finished', sweepId: sweep.sweepId, origin: 'cli' });
      expect(run.bundleDir).toBe(join(runsDir, run.runId));
      expect(await readdir(run.bundleDir!)).toEqual(expect.arrayContaining(['model.json', 'metadata.json']));
    }
    expect(new Set(listing.runs.map((r) => r.model))).toEqual(new Set(['SimpleRNN(2)', 'SimpleRNN(3)']));
  });

  it('prints progress lines without --json, and never prints a password from the queue URL', async () => {
    const runsDir = join(dir, 'runs-cli-text');
    const text = await runCli(['sweep', '--queue', redis.url, '--grid', 'units=2,3', '--epochs', '2', '--batch-size', '32', '--seed', '1', '--runs-dir', runsDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\[0\/2 done, [12] running, 0 failed\]$/m);
    expect(text.stdout).toMatch(/^\[2\/2 done, 0 running, 0 failed\] \S+-p\d-r0 \(seed 1\): finished$/m);
    expect(text.stdout).toMatch(/^Best: units=[23] — run /m);
    // A password Redis does not expect: the sweep is refused in one sentence that shows the URL without it.
    const url = redis.url.replace('redis://', 'redis://worker:s3cret-word@');
    const refused = await runCli(['sweep', '--queue', url, '--grid', 'units=2', '--epochs', '1', '--runs-dir', runsDir]);
    expect(refused.code).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).not.toContain('s3cret-word');
    expect(refused.stderr.trim()).toMatch(/^forecast-workbench: Cannot reach the queue at redis:\/\/worker:\*\*\*@127\.0\.0\.1:\d+ \(.+\): is Redis running there, and are the host, port and password right\?$/);
    const bad = await runCli(['sweep', '--queue', 'http://:s3cret-word@example', '--grid', 'units=2', '--runs-dir', runsDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toContain('s3cret-word');
    expect(bad.stderr.trim()).toMatch(/queue URL must start with redis:\/\/ or rediss:\/\//);
  });

  it('a cancel does not wait past its grace for a worker that does not answer: the run is reported cancelled, and the flag left in Redis ends the job as cancelled later', async () => {
    const sleeper = startWorker(redis.url, join(dir, 'worker-d'));
    workers.push(sleeper);
    await sleeper.waitFor(/taking training jobs/);
    const probe = new Redis(redis.url, { maxRetriesPerRequest: null });
    const training = new Queue(TRAINING_QUEUE, { connection: probe, prefix: QUEUE_PREFIX });
    try {
      const points = plan(tutorial({ trainer: 'tfjs', training: { epochs: 5, batchSize: 8, seed: 1 } }), { units: [2, 3, 4, 5, 6, 7] });
      const runsDir = join(dir, 'runs-grace');
      const cancel = new AbortController();
      let held: string | null = null;
      // The worker freezes with a job in hand (SIGSTOP): it can neither see the cancel nor renew its lock.
      void sleeper.waitFor(/job (\S+) \(point .* started/).then((match) => {
        sleeper.child.kill('SIGSTOP');
        held = match[1];
        cancel.abort('stopped by the test');
      });
      const summary = await queueSweep(points, { url: redis.url, runsDir, signal: cancel.signal, cancelGraceMs: 1000 });
      expect(held).not.toBeNull();
      expect(summary.outcomes.find((o) => o.runId === held)).toMatchObject({ status: 'cancelled', reason: 'stopped by the test' });
      expect(summary.outcomes.every((o) => o.status === 'finished' || o.status === 'cancelled')).toBe(true);
      expect(await runFolders(runsDir)).toEqual(summary.outcomes.filter((o) => o.status === 'finished').map((o) => o.runId).sort());
      // The cancel flag stays, for a day at the most.
      const ttl = await probe.ttl(cancelKey(summary.sweepId));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(24 * 60 * 60);
      // Whoever has the job once the worker thaws (it, or another after its lock ran out) ends it as cancelled.
      sleeper.child.kill('SIGCONT');
      for (let i = 0; (await training.getJobState(held!)) !== 'failed' && i < 1200; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await Job.fromId(training, held!))?.failedReason).toBe('Cancelled: stopped by the test');
    } finally {
      sleeper.child.kill('SIGCONT');
      await training.close();
      probe.disconnect();
    }
  });

  it('refuses `sweep --queue … --parallel P` in one sentence that names the workers\' --concurrency, and sends nothing', async () => {
    const runsDir = join(dir, 'runs-cli-parallel');
    const refused = await runCli(['sweep', '--queue', redis.url, '--grid', 'units=2,3', '--parallel', '2', '--epochs', '1', '--runs-dir', runsDir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(
      'forecast-workbench: Parallel processes (--parallel) are for a sweep on this machine: a queued sweep is trained by the workers, so start each one with `forecast-workbench worker --queue URL --concurrency N` to train N runs at a time on its machine.',
    );
    expect(await runFolders(runsDir)).toEqual([]);
    expect((await new RunStore(runsDir, { origin: 'cli' }).list()).runs).toEqual([]);
    // The flag the sentence names is the worker's own.
    const help = await runCli(['worker', '--help']);
    expect(help.stdout).toMatch(/--concurrency <n>/);
  });

  it('closing the host mid-sweep cancels the sweep and waits for it: no job or key left in Redis, its connections closed, every run recorded', async () => {
    const runsDir = join(dir, 'runs-host-close');
    const probe = new Redis(redis.url, { maxRetriesPerRequest: null });
    const clients = async () => (String(await probe.client('LIST'))).trim().split('\n').length;
    const training = new Queue(TRAINING_QUEUE, { connection: probe, prefix: QUEUE_PREFIX });
    const { host, runs } = createStandardHost({
      kind: 'browser',
      version: '0.0.0-test',
      launcher: forkLauncher({ echoStderr: null }),
      bundledDatasetsDir: join(import.meta.dirname, '..', '..', '..', 'resources', 'datasets'),
      runsDir,
      exportsDir: null,
      dialogs: null,
      acceptDroppedPaths: false,
    });
    // This process's own sockets (the probe's among them): the sweep's Redis connection is one more while it runs.
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    try {
      const before = await clients();
      const socketsBefore = sockets();
      const datasets = (await host.call('datasets:list', {})) as ChannelResponse<'datasets:list'>;
      const path = datasets.find((d) => d.name === 'sunspots.csv')!.path;
      // The tfjs trainer, slow enough that the sweep is still going when the host closes.
      const base = { data: { path }, trainer: 'tfjs', training: { epochs: 5, batchSize: 8, seed: 1 } };
      const { sweepId, total } = (await host.call('queue-sweep:start', { base, grid: { units: [2, 3, 4, 5, 6, 7] }, rankBy: 'test', queueUrl: redis.url })) as ChannelResponse<'queue-sweep:start'>;
      expect(total).toBe(6);
      const status = () => host.call('queue-sweep:status', { sweepId }) as Promise<ChannelResponse<'queue-sweep:status'>>;
      let seen = await status();
      for (let i = 0; seen.running === 0 && seen.done + seen.failed === 0 && i < 1200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = await status();
      }
      expect(seen.running + seen.done).toBeGreaterThan(0);
      expect(await clients()).toBeGreaterThan(before);
      expect(sockets()).toBeGreaterThan(socketsBefore);

      await host.dispose();

      // Its Redis connections are closed by the time dispose resolves: Redis lists none, and this process holds none.
      expect(await clients()).toBe(before);
      expect(sockets()).toBe(socketsBefore);
      const after = await status();
      expect(after).toMatchObject({ state: 'stopped', total: 6, running: 0, failed: 0, problem: null });
      expect(after.done + after.cancelled).toBe(6);
      expect(after.cancelled).toBeGreaterThan(0);
      for (const o of after.ended.filter((e) => e.status !== 'finished')) expect(o).toMatchObject({ status: 'cancelled', reason: 'the workbench that sent the sweep was closed' });
      // Nothing of the sweep is left in Redis: no job (queued, running or ended), no parent flow, no dataset or cancel flag.
      const ids = Array.from({ length: 6 }, (_, p) => queuedRunId(sweepId, p, 0));
      expect(await Promise.all(ids.map((id) => training.getJobState(id)))).toEqual(Array(6).fill('unknown'));
      expect(await probe.keys(`${QUEUE_PREFIX}:*${sweepId}*`)).toEqual([]);
      // The local run store has every run a worker had taken, none left running: finished ones with their bundle, the others cancelled.
      const listing = await runs.list();
      expect(listing.runs.filter((r) => r.status === 'running')).toEqual([]);
      const finished = after.ended.filter((e) => e.status === 'finished').map((e) => e.runId).sort();
      expect(listing.runs.filter((r) => r.status === 'finished').map((r) => r.runId).sort()).toEqual(finished);
      expect(await runFolders(runsDir)).toEqual(finished);
      for (const run of listing.runs.filter((r) => r.status !== 'finished')) {
        expect(run).toMatchObject({ status: 'failed', sweepId });
        expect((await runs.get(run.runId)).failure).toEqual({ kind: 'cancelled', message: 'the workbench that sent the sweep was closed' });
      }
      // A closed host sends no more sweeps.
      await expect(host.call('queue-sweep:start', { base, grid: { units: [2] }, rankBy: 'test', queueUrl: redis.url })).rejects.toThrow(/The workbench is closing, so the sweep was not sent\./);
    } finally {
      await host.dispose();
      await training.close();
      probe.disconnect();
    }
  });
});

describe('the queue job contract', () => {
  const job = {
    formatVersion: 1,
    sweepId: 'sweep-1',
    runId: 'sweep-1-p0-r0',
    point: 0,
    repeat: 0,
    seed: 1,
    dataset: { sha256: 'a'.repeat(64), name: 'sunspots.csv' },
    config: { data: { column: null }, training: { epochs: 2 } },
  };
  it('accepts settings and a dataset by checksum, and refuses paths or folders', async () => {
    const { TrainingJobSchema } = await import('../../contract/queue-jobs.js');
    expect(TrainingJobSchema.safeParse(job).success).toBe(true);
    expect(TrainingJobSchema.safeParse({ ...job, config: { data: { path: '/etc/passwd' } } }).success).toBe(false);
    expect(TrainingJobSchema.safeParse({ ...job, dataset: { ...job.dataset, name: '../../etc/passwd' } }).success).toBe(false);
    expect(TrainingJobSchema.safeParse({ ...job, runId: '../x' }).success).toBe(false);
    expect(TrainingJobSchema.safeParse({ ...job, code: 'process.exit()' }).success).toBe(false);
  });
});
