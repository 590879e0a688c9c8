/**
 * A private redis-server on loopback, for the queue's tests and bench: a free port in 41800-41899, an
 * appendonly file in the given folder (so a restart keeps what Redis had), stopped with SIGTERM as a
 * restart would. Also starts `forecast-workbench worker` processes against it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const redisServerInstalled = () => spawnSync('redis-server', ['--version']).status === 0;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freeLoopbackPort(first = 41800, last = 41899): Promise<number> {
  const span = last - first + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = first + ((start + i) % span);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${first}-${last}`);
}

export class LocalRedisServer {
  private process: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
    probe.on('error', () => {});
    await probe.connect().catch(() => {});
    while ((await probe.ping().catch(() => null)) !== 'PONG') await new Promise((resolve) => setTimeout(resolve, 100));
    probe.disconnect();
  }

  /** SIGTERM: Redis shuts down as on a restart (its appendonly file flushed). */
  async stop(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout, line by line. */
  log: string[];
  /** Resolves with the first stdout line (past or future) that matches. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** End it (SIGKILL) if it still runs, and wait for its exit. */
  kill(): Promise<void>;
}

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'forecast-workbench.mjs');

/** A `forecast-workbench worker` process (concurrency 1) with the given extra flags. */
export function startWorkerProcess(url: string, runsDir: string, extraFlags: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', url, '--concurrency', '1', '--runs-dir', runsDir, ...extraFlags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      log.push(line);
      for (const waiter of [...waiters]) {
        const match = line.match(waiter.pattern);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    log,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const seen = log.map((line) => line.match(pattern)).find((match) => match !== null);
        if (seen) resolve(seen);
        else waiters.push({ pattern, resolve });
      }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
