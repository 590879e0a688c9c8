/**
 * `train` refuses, before training and with one sentence, an --out it cannot write and input columns that
 * repeat the (default) target. The real CLI in a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve('bin/forecast-workbench.mjs');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-train-checks-'));
  await writeFile(join(root, 'a-file'), 'x');
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [cli, 'train', '--epochs', '1', ...args], { timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('train --out', () => {
  it.each([
    ['', /^forecast-workbench: --out needs the name of a new folder; it was given an empty name\.\n$/],
    ['/proc/x', /^forecast-workbench: Cannot write \/proc\/x: .+ \(E[A-Z]+\)\.\n$/],
  ])('refuses %j before training, with one sentence and no stack trace', async (out, pattern) => {
    const outcome = await train(['--out', out]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).not.toMatch(/Epoch/);
    expect(outcome.stderr).toMatch(pattern);
  });

  it('refuses a folder under a file', async () => {
    const outcome = await train(['--out', join(root, 'a-file', 'bundle')]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect(await readdir(root)).toEqual(['a-file']);
  });
});

describe('train --inputs', () => {
  it('refuses the default target listed again as an input', async () => {
    const outcome = await train(['--inputs', 'Sunspots']);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).not.toMatch(/Epoch/);
    expect(outcome.stderr).toBe(
      'forecast-workbench: "Sunspots" is the target column of sunspots.csv (chosen as the default); it is always an input, do not list it again in the input columns.\n',
    );
  });
});
