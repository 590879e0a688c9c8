import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesCsv } from '../../engine/bundle/test-support/tiny-run.js';
import { runForecast } from '../../engine/run.js';
import { spreadOf } from '../../engine/runs/stats.js';
import { hasCheckpoint } from '../../engine/train/checkpoint-location.js';

const bin = join(import.meta.dirname, '../../../bin/forecast-workbench.mjs');
let scratch: string;
let csv: string;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fw-runs-cli-'));
  csv = join(scratch, 'series.csv');
  await writeFile(csv, seriesCsv(120));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const small = () => ['--csv', csv, '--time-steps', '6', '--epochs', '2', '--batch-size', '16'];

describe('train --repeat', () => {
  it('reports medians, min–max and IQR that match the five single runs, and stores all five', { timeout: 400_000 }, async () => {
    const runsDir = join(scratch, 'repeat');
    const r = cli('train', ...small(), '--seed', '7', '--repeat', '5', '--runs-dir', runsDir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.repeat).toBe(5);
    expect([...out.seeds].sort((a: number, b: number) => a - b)).toEqual([7, 8, 9, 10, 11]);
    expect(out.failed).toBe(0);

    const singles = [];
    for (const seed of [7, 8, 9, 10, 11]) {
      singles.push(await runForecast({ data: { path: csv }, prep: { timeSteps: 6 }, training: { epochs: 2, batchSize: 16, seed } }));
    }
    const expected = spreadOf(singles.map((s) => s.metrics.test.original.rmse))!;
    expect(out.spread['test rmse'].median).toBeCloseTo(expected.median, 10);
    expect(out.spread['test rmse'].min).toBeCloseTo(expected.min, 10);
    expect(out.spread['test rmse'].max).toBeCloseTo(expected.max, 10);
    expect(out.spread['test rmse'].iqr).toBeCloseTo(expected.iqr, 10);
    expect(out.testRmse.median).toBeCloseTo(spreadOf(singles.map((s) => s.metrics.test.rmse))!.median, 10);
    for (const key of ['mae', 'mape', 'smape', 'mase']) {
      const m = spreadOf(singles.map((s) => s.metrics.test.original[key as 'mae']));
      if (m) expect(out.spread[`test ${key}`].median).toBeCloseTo(m.median, 10);
    }
    // The verdict compares the median with the best baseline.
    const bestBaseline = Math.min(...singles[0].baselines.map((b) => b.test.original.rmse));
    expect(out.verdict.modelRmse).toBeCloseTo(expected.median, 10);
    expect(out.verdict.bestBaselineRmse).toBeCloseTo(bestBaseline, 10);
    expect(out.verdict.beatsBaselines).toBe(expected.median < bestBaseline);

    const list = cli('runs', 'list', '--runs-dir', runsDir, '--json');
    expect(list.code, list.stderr).toBe(0);
    const listing = JSON.parse(list.stdout);
    expect(listing.runs).toHaveLength(5);
    expect(listing.runs.every((run: { status: string; origin: string }) => run.status === 'finished' && run.origin === 'cli')).toBe(true);
  });
});

describe('forecast-workbench runs', () => {
  it('lists, shows, compares, tags and deletes stored runs, and skips a damaged run file with a message', { timeout: 400_000 }, () => {
    const runsDir = join(scratch, 'crud');
    const a = JSON.parse(cli('train', ...small(), '--seed', '1', '--runs-dir', runsDir, '--json').stdout);
    const b = JSON.parse(cli('train', ...small(), '--units', '5', '--seed', '1', '--runs-dir', runsDir, '--json').stdout);
    expect(a.exportDir).toBeNull();
    expect(existsSync(join(runsDir, a.runId, 'model.json'))).toBe(true);

    const show = JSON.parse(cli('runs', 'show', a.runId, '--runs-dir', runsDir, '--json').stdout);
    expect(show.record).toMatchObject({ runId: a.runId, status: 'finished', seed: 1 });
    expect(show.result.metrics).toEqual(a.metrics);
    expect(show.result.predictions).toEqual(a.predictions);

    const compare = cli('runs', 'compare', a.runId, b.runId, '--runs-dir', runsDir, '--json');
    expect(compare.code, compare.stderr).toBe(0);
    const { comparison } = JSON.parse(compare.stdout);
    expect(comparison.sameTestWindow).toBe(true);
    expect(comparison.rows.find((row: { measure: string }) => row.measure === 'test RMSE').values).toEqual([a.metrics.test.original.rmse, b.metrics.test.original.rmse]);
    expect(cli('runs', 'compare', a.runId, '--runs-dir', runsDir).stderr).toMatch(/^forecast-workbench: Compare 2 to 8 runs, not 1\.$/m);

    const tagged = JSON.parse(cli('runs', 'update', a.runId, '--name', 'baseline try', '--tag', 'tutorial', '--pin', '--runs-dir', runsDir, '--json').stdout);
    expect(tagged).toMatchObject({ name: 'baseline try', tags: ['tutorial'], pinned: true });

    const writeBroken = spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(join(runsDir, '.records', 'run-x.json'))}, '{oops')`]);
    expect(writeBroken.status).toBe(0);
    const human = cli('runs', 'list', '--runs-dir', runsDir);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^forecast-workbench: The run file run-x\.json is damaged \(not valid JSON.*\); it was skipped\.$/m);
    expect(human.stdout).toContain(a.runId);
    expect(human.stdout).toMatch(/^2 runs, [\d.]+ KB in /m);

    const deleted = cli('runs', 'delete', b.runId, '--runs-dir', runsDir, '--json');
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: true });
    expect(existsSync(join(runsDir, b.runId))).toBe(false);
    const missing = cli('runs', 'show', b.runId, '--runs-dir', runsDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(`There is no run ${b.runId}`);
  });

  it('leaves an interrupted, recoverable run when the training process is killed mid-run, and recovers it', { timeout: 400_000 }, async () => {
    const runsDir = join(scratch, 'killed');
    const child = spawn(process.execPath, [bin, 'train', '--csv', csv, '--time-steps', '6', '--epochs', '5000', '--seed', '3', '--runs-dir', runsDir, '--quiet'], { stdio: 'ignore' });
    const recordsDir = join(runsDir, '.records');
    // Wait until the run has recorded an epoch and checkpointed it.
    let runId: string;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const file = existsSync(recordsDir) ? readdirSync(recordsDir).find((n) => /^run-.*\.json$/.test(n)) : undefined;
      if (!file) continue;
      const record = JSON.parse(readFileSync(join(recordsDir, file), 'utf8'));
      if (record.history.length >= 1 && hasCheckpoint(runsDir, record.runId)) {
        runId = record.runId as string;
        break;
      }
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    const listing = JSON.parse(cli('runs', 'list', '--runs-dir', runsDir, '--json').stdout);
    expect(listing.runs[0]).toMatchObject({ runId, status: 'interrupted', recoverable: true });
    expect(listing.runs[0].failure.message).toMatch(/ended before the run finished, after epoch \d+/);
    expect(cli('runs', 'list', '--runs-dir', runsDir).stdout).toMatch(/interrupted \(recoverable\)/);

    const recovered = cli('runs', 'recover', runId!, '--runs-dir', runsDir, '--json');
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(JSON.parse(recovered.stdout)).toMatchObject({ runId, status: 'finished', stopReason: 'crashed' });
    expect(existsSync(join(runsDir, runId!, 'model.json'))).toBe(true);
  });
});

describe('forecast-workbench sweep', () => {
  it('trains every grid point in parallel processes, records a failing point\'s sentence and goes on, ranks and names the best', { timeout: 400_000 }, () => {
    const runsDir = join(scratch, 'sweep');
    const r = cli('sweep', '--csv', csv, '--epochs', '1', '--batch-size', '32', '--seed', '4', '--grid', 'units=2,3', '--grid', 'time-steps=6,100', '--parallel', '2', '--runs-dir', runsDir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ state: 'finished', total: 4, done: 4, failed: 2, rankBy: 'test' });
    expect(out.warning).toMatch(/no validation share.*ranked by test RMSE/);
    expect(out.runs).toHaveLength(4);
    const failed = out.runs.filter((run: { status: string }) => run.status === 'failed');
    expect(failed).toHaveLength(2);
    for (const run of failed) {
      expect(run.hyperparameters.prep.timeSteps).toBe(100);
      expect(run.failure).toMatch(/\w.*\./);
    }
    const ranked = out.points.map((p: { settings: Record<string, number>; testRmse: { median: number } | null }) => p.testRmse?.median ?? null);
    expect(ranked.slice(0, 2).every((v: number | null) => v !== null)).toBe(true);
    expect(ranked[0]).toBeLessThanOrEqual(ranked[1]);
    expect(ranked.slice(2)).toEqual([null, null]);
    expect(out.best.runId).toBe(out.points[0].runIds[0]);
    expect(out.best.point.settings['time-steps']).toBe(6);

    const listing = JSON.parse(cli('runs', 'list', '--runs-dir', runsDir, '--json').stdout);
    expect(listing.runs).toHaveLength(4);
    expect(new Set(listing.runs.map((run: { sweepId: string }) => run.sweepId))).toEqual(new Set([out.sweepId]));

    const human = cli('sweep', '--csv', csv, '--epochs', '1', '--grid', 'units=2,3', '--runs-dir', runsDir, '--parallel', '1', '--rank-by', 'test', '--batch-size', '64');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^\[2\/2[^\]]*\] run-/m);
    expect(human.stdout).toMatch(/^Warning: Ranked by test RMSE: choosing settings by their test error/m);
    expect(human.stdout).toMatch(/^Best: units=\d — run run-/m);
  });

  it('asks for --yes above the limit and names a bad setting in one sentence', () => {
    const big = cli('sweep', '--grid', 'units=1,2,3,4,5,6,7,8,9,10,11', '--grid', 'time-steps=2,3,4,5,6,7,8,9,10,11', '--runs-dir', join(scratch, 'big'));
    expect(big.code).toBe(1);
    expect(big.stderr.trim()).toBe('forecast-workbench: This sweep trains 110 runs (110 points × 1 seed), more than 100: confirm it (--yes on the command line) or make the grid smaller.');
    const bad = cli('sweep', '--grid', 'colour=red', '--runs-dir', join(scratch, 'big'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^forecast-workbench: --grid "colour=red": the setting must be one of units, layers, cell/m);
    const badValue = cli('sweep', '--grid', 'units=2,lots', '--runs-dir', join(scratch, 'big'));
    expect(badValue.code).toBe(1);
    expect(badValue.stderr).toMatch(/^forecast-workbench: Sweep value "lots" for units is not a whole number\.$/m);
    expect(existsSync(join(scratch, 'big', '.records'))).toBe(false);
  });
});
