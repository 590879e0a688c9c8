/**
 * `forecast-workbench worker --queue redis://[user:password@]HOST:PORT`: takes training jobs from the
 * queue and runs them with the same engine as a local run. With --concurrency N (default: one per core)
 * it runs N worker processes of this command, each training one job at a time (TensorFlow.js trains on
 * one thread per process). Logs go to stdout. SIGTERM (or Ctrl+C) finishes the jobs in hand, then exits;
 * a second SIGTERM stops at once and the jobs in hand go back to the queue when their lock expires.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidInputError } from '../../contract/run-config.js';
import { integer } from '../parse-flags.js';

interface WorkerFlags {
  queue: string;
  concurrency?: number;
  runsDir?: string;
  lockDuration: number;
  stalledInterval: number;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Take training jobs from a Redis queue (BullMQ) and run them; see DEPLOY.md.')
    .requiredOption('--queue <url>', 'the queue: redis://[user:password@]HOST:PORT, or rediss:// for TLS')
    .option('--concurrency <n>', 'jobs at the same time, one process each (default: one per core)', integer)
    .option('--runs-dir <dir>', "this worker's folder: its dataset store and the bundles it trains (default: a temporary folder)")
    .option('--lock-duration <ms>', 'a worker silent this long is taken as dead and its job retried elsewhere', integer, 30_000)
    .option('--stalled-interval <ms>', 'how often jobs of dead workers are looked for', integer, 30_000)
    .action(async (flags: WorkerFlags) => {
      const { checkQueueUrl } = await import('../../services/queue/connection.js');
      checkQueueUrl(flags.queue);
      const concurrency = flags.concurrency ?? availableParallelism();
      if (concurrency < 1) throw new InvalidInputError('--concurrency must be at least 1.');
      if (concurrency === 1) await runOneWorker(flags);
      else await runWorkerProcesses(flags, concurrency);
    });
}

/**
 * Call stop on SIGTERM/SIGINT (force from the second on). A worker process of `--concurrency N` listens to
 * its parent instead (a Ctrl+C reaches the whole process group, and must count once): 'stop' messages,
 * and the parent's end, after which it finishes its job and exits.
 */
function onStopSignals(stop: (force: boolean) => void): void {
  let count = 0;
  const handler = () => stop(count++ > 0);
  if (process.send) {
    process.on('SIGTERM', () => {});
    process.on('SIGINT', () => {});
    process.on('message', (message) => message === 'stop' && handler());
    process.on('disconnect', () => count === 0 && handler());
  } else {
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  }
}

async function runOneWorker(flags: WorkerFlags): Promise<void> {
  process.stdout.on('error', () => {}); // a closed log pipe must not end the worker
  const { startQueueWorker } = await import('../../services/queue/worker.js');
  const worker = await startQueueWorker({
    url: flags.queue,
    runsDir: flags.runsDir ?? null,
    lockDuration: flags.lockDuration,
    stalledInterval: flags.stalledInterval,
  });
  await new Promise<void>((resolve) => {
    onStopSignals((force) => {
      process.stdout.write(`${new Date().toISOString()} worker ${process.pid}: ${force ? 'stopping now; jobs in hand go back to the queue' : 'stopping after the jobs in hand'}\n`);
      void worker.close(force).then(resolve, resolve);
    });
  });
  // A worker process of `--concurrency N` lets go of its parent's channel, so it can exit.
  if (process.connected) process.disconnect();
}

async function runWorkerProcesses(flags: WorkerFlags, concurrency: number): Promise<void> {
  const args = ['worker', '--queue', flags.queue, '--concurrency', '1', '--lock-duration', String(flags.lockDuration), '--stalled-interval', String(flags.stalledInterval)];
  if (flags.runsDir) args.push('--runs-dir', flags.runsDir);
  const children: ChildProcess[] = Array.from({ length: concurrency }, () =>
    fork(process.argv[1], args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv }),
  );
  const exits = children.map((child) => new Promise<void>((resolve) => child.on('exit', () => resolve())));
  // Each worker process finishes its job on the first SIGTERM and stops at once on the second.
  onStopSignals(() => {
    for (const child of children) if (child.connected) child.send('stop');
  });
  await Promise.all(exits);
}
