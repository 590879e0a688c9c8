/**
 * The atomic-write helper for real: a process killed by SIGKILL in the middle of an export leaves its
 * hidden partial folder behind (nothing can remove it then); the next write into that folder sweeps it,
 * every time, while partials of live writers are left alone.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/run-config.js';
import { sweepStalePartials, writeFileAtomically, writeFolderAtomically } from './atomic.js';

const here = dirname(fileURLToPath(import.meta.url));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-atomic-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const partials = async (dir: string) => (await readdir(dir)).filter((name) => name.includes('.partial-'));

/** Start a child that begins writing `target` and stays in the middle; resolves once its partial has a file. */
function startHeldExport(target: string): Promise<{ kill: () => Promise<void>; partial: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'test-support', 'hold-partial-export.ts'), target], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before filling`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /filling (.+)\n/.exec(out);
      if (!match) return;
      child.removeAllListeners('exit');
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      resolve({ partial: match[1], kill: () => (child.kill('SIGKILL'), exited) });
    });
  });
}

describe('partials left by a killed export', () => {
  it('are swept by the next export into the same folder, after every one of 5 kills', async () => {
    const exports = join(root, 'exports');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const held = await startHeldExport(join(exports, `killed-${attempt}`));
      await held.kill();
      expect(await partials(exports)).toEqual([held.partial.split('/').pop()]);
      await writeFolderAtomically(join(exports, `next-${attempt}`), async () => undefined);
      expect(await partials(exports)).toEqual([]);
    }
    expect((await readdir(exports)).sort()).toEqual(['next-1', 'next-2', 'next-3', 'next-4', 'next-5']);
  });

  it('leaves the partial of a writer that is still running', async () => {
    const folder = join(root, 'live');
    const held = await startHeldExport(join(folder, 'slow'));
    try {
      expect(await sweepStalePartials(folder)).toEqual([]);
      await writeFolderAtomically(join(folder, 'other'), async () => undefined);
      expect(await partials(folder)).toHaveLength(1);
    } finally {
      await held.kill();
    }
    expect(await sweepStalePartials(folder)).toHaveLength(1);
  });
});

describe('writeFileAtomically', () => {
  it('writes a new file whole and refuses an existing one, leaving no partial', async () => {
    const path = join(root, 'files', 'out.csv');
    expect(await writeFileAtomically(path, 'a,b\n')).toBe(path);
    await expect(writeFileAtomically(path, 'other')).rejects.toThrow(InvalidInputError);
    expect(await readFile(path, 'utf8')).toBe('a,b\n');
    expect(await partials(dirname(path))).toEqual([]);
  });
});
