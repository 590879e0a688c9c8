import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/forecast-workbench.mjs');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('forecast-workbench command line', () => {
  it('documents itself', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train/);
    const t = cli('train', '--help');
    for (const flag of ['--csv', '--column', '--time-steps', '--units', '--epochs', '--batch-size', '--seed', '--out', '--json']) {
      expect(t.stdout).toContain(flag);
    }
  });

  it('loads commander alone for the overview: no zod, papaparse, TensorFlow.js or command module', () => {
    const hooks = join(import.meta.dirname, 'test-support', 'log-resolved.mjs');
    const r = spawnSync(process.execPath, ['--import', hooks, bin, '--help'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/train/);
    const resolved = r.stderr.split('\n').filter((line) => line.startsWith('resolved ')).map((line) => line.slice('resolved '.length));
    expect(resolved.some((url) => url.includes('/commander/'))).toBe(true);
    expect(resolved.filter((url) => /\/(zod|papaparse|@tensorflow)\/|\/cli\/commands\//.test(url))).toEqual([]);
    // train's help loads its module (and the schema whose defaults it shows), but still no TensorFlow.js.
    const t = spawnSync(process.execPath, ['--import', hooks, bin, 'train', '--help'], { encoding: 'utf8', timeout: 120_000 });
    const trainResolved = t.stderr.split('\n').filter((line) => line.startsWith('resolved '));
    expect(trainResolved.some((line) => line.includes('/cli/commands/train.'))).toBe(true);
    expect(trainResolved.filter((line) => line.includes('/@tensorflow/'))).toEqual([]);
  });

  it('prints one JSON object with backend, hyperparameters, samples, losses, metrics, trainSeconds', () => {
    const r = cli('train', '--epochs', '2', '--batch-size', '16', '--seed', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toMatch(/^(tensorflow|cpu|wasm)$/);
    expect(out.hyperparameters.prep.timeSteps).toBe(12);
    expect(out.hyperparameters.model.layers[0]).toMatchObject({ type: 'simpleRNN', units: 3 });
    expect(out.samples).toMatchObject({ train: 187, test: 46 });
    expect(out.losses).toHaveLength(2);
    expect(out.metrics.train.rmse).toBeGreaterThan(0);
    expect(out.metrics.test.rmse).toBeGreaterThan(0);
    expect(out.metrics.test.original.rmse).toBeGreaterThan(out.metrics.test.rmse);
    expect(out.trainSeconds).toBeGreaterThan(0);
    expect(out.exportDir).toBeNull();
  });

  it('prints a progress line per epoch and the tutorial\'s two RMSE lines', () => {
    const r = cli('train', '--epochs', '2', '--batch-size', '32', '--seed', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Backend: \w+/m);
    expect(r.stdout.match(/^Epoch \d+\/2 - loss: /gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/^Train RMSE: \d\.\d{3} RMSE$/m);
    expect(r.stdout).toMatch(/^Test RMSE: \d\.\d{3} RMSE$/m);
  });

  it.each([
    [['train', '--csv', '/nonexistent/data.csv'], /does not exist/],
    [['train', '--time-steps', '0'], /timeSteps/],
    [['train', '--epochs', 'many'], /not a whole number/],
    [['train', '--learning-rate', '-1'], /learningRate/],
  ])('refuses bad input %j with one clear line and a non-zero exit', (args, message) => {
    const r = cli(...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with'))).toHaveLength(1);
  });

  it('refuses a series too short for the window', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-cli-'));
    const file = join(dir, 'short.csv');
    writeFileSync(file, 'Month,Value\n' + Array.from({ length: 20 }, (_, i) => `2000-${i},${i}`).join('\n'));
    const r = cli('train', '--csv', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Too few rows/);
  });
});
