/**
 * A host's children never outlive it: a real host process (test-support/host-with-children.ts) with a real
 * engine worker and a real training process, both stopped with SIGSTOP, is ended by SIGTERM or SIGINT; and
 * a host killed outright (SIGKILL, no chance to clean up) leaves children that notice and exit by themselves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const HOST = fileURLToPath(new URL('./test-support/host-with-children.ts', import.meta.url));
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** Gone, or a zombie waiting for whoever adopted it to reap it (it runs no more). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch {
    return true;
  }
}

async function startHost(...args: string[]): Promise<{ host: ChildProcess; enginePid: number; trainingPid: number; exited: Promise<void> }> {
  const host = spawn(process.execPath, ['--import', tsxLoader, HOST, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (host.pid) leftovers.push(host.pid);
  const exited = new Promise<void>((resolve) => host.on('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    host.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    host.on('exit', (code, signal) => reject(new Error(`the host exited early (${code ?? signal})`)));
  });
  const { enginePid, trainingPid } = JSON.parse(line) as { enginePid: number; trainingPid: number };
  leftovers.push(enginePid, trainingPid);
  return { host, enginePid, trainingPid, exited };
}

describe('children end with their host (real processes)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`a host ended by ${signal} takes its SIGSTOPped engine worker and training process with it`, async () => {
      const { host, enginePid, trainingPid, exited } = await startHost();
      expect(enginePid).toBeTypeOf('number');
      expect(trainingPid).toBeTypeOf('number');
      process.kill(enginePid, 'SIGSTOP');
      process.kill(trainingPid, 'SIGSTOP');
      host.kill(signal);
      await exited;
      await expect.poll(() => isGone(enginePid), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => isGone(trainingPid), { timeout: 30_000 }).toBe(true);
    });
  }

  it('a host that handles SIGTERM itself (dispose, then exit, as bin/serve.mjs does) still takes its SIGSTOPped children with it', async () => {
    const { host, enginePid, trainingPid, exited } = await startHost('--graceful');
    process.kill(enginePid, 'SIGSTOP');
    process.kill(trainingPid, 'SIGSTOP');
    host.kill('SIGTERM');
    await exited;
    await expect.poll(() => isGone(enginePid), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => isGone(trainingPid), { timeout: 30_000 }).toBe(true);
  });

  it('children of a host killed with SIGKILL notice that it is gone and exit', async () => {
    const { host, enginePid, trainingPid, exited } = await startHost();
    host.kill('SIGKILL');
    await exited;
    await expect.poll(() => isGone(enginePid), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => isGone(trainingPid), { timeout: 30_000 }).toBe(true);
  });
});
