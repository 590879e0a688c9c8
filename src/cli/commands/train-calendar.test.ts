/**
 * Calendar features through the real CLI in child processes (the built lib/): `train --calendar month` on the
 * monthly air-passengers gives a 24-step forecast from a 1-unit head (the future months' features are known),
 * its bundle records them, and `predict BUNDLE --csv` computes them for the file and its forecast, reproducing
 * the run's forecast. An unknown name is refused by the flag, a file without dates by the loader.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundlePredictionSchema } from '../../contract/bundles.js';
import { readBundleMetadata } from '../../engine/bundle/index.js';

const exec = promisify(execFile);
const cli = resolve('bin/forecast-workbench.mjs');
const passengers = resolve('resources/datasets/air-passengers.csv');
let root: string;

async function cliRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [cli, ...args], { timeout: 180_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-train-calendar-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('train --calendar month on monthly air-passengers', () => {
  it('forecasts 24 steps with a 1-unit head, and predict of its bundle reproduces that forecast', async () => {
    const bundle = join(root, 'bundle');
    const train = await cliRun([
      'train', '--csv', passengers, '--calendar', 'month', '--forecast-steps', '24', '--output-units', '1', '--time-steps', '12',
      '--windowing', 'sliding', '--epochs', '2', '--batch-size', '16', '--seed', '3', '--trainer', 'fused', '--backend', 'cpu',
      '--runs-dir', join(root, 'runs'), '--out', bundle, '--json', '--quiet',
    ]);
    expect(train.stderr).toBe('');
    const json = JSON.parse(train.stdout);
    expect(json.hyperparameters.data.calendarFeatures).toEqual(['month']);
    expect(json.dataset.inputColumns).toEqual(['month_sin', 'month_cos']);
    expect(json.forecast).toHaveLength(24);
    expect(json.forecast[0].time).toBe('1961-01');
    expect(json.forecast[23].time).toBe('1962-12');
    for (const f of json.forecast) expect(Number.isFinite(f.value)).toBe(true);
    // No "stopped at the model's output" note: every extra input is known in the future.
    expect(JSON.stringify(json.warnings)).not.toContain('Forecast:');

    const { metadata } = await readBundleMetadata(bundle);
    expect(metadata.config.data.calendarFeatures).toEqual(['month']);
    expect(metadata.windowing.features).toEqual(['Passengers', 'month_sin', 'month_cos']);

    const predict = await cliRun(['predict', bundle, '--csv', passengers, '--json']);
    expect(predict.code).toBe(0);
    const prediction = BundlePredictionSchema.parse(JSON.parse(predict.stdout));
    expect(prediction.warnings).toEqual([]);
    expect(prediction.forecast).toHaveLength(24);
    prediction.forecast.forEach((f, i) => {
      expect(f.time).toBe(json.forecast[i].time);
      expect(Math.abs(f.value - json.forecast[i].value)).toBeLessThan(1e-6 * Math.abs(json.forecast[i].value) + 1e-9);
    });
    // The test predictions are the run's too (the calendar columns computed again for the file).
    const byIndex = new Map(prediction.predictions.map((p) => [p.index, p]));
    for (const row of json.predictions) expect(Math.abs(byIndex.get(row.index)!.predicted - row.predicted)).toBeLessThan(1e-6 * Math.abs(row.predicted));
  }, 300_000);

  it('refuses an unknown calendar feature, and a file without a time column, in one sentence', async () => {
    const unknown = await cliRun(['train', '--calendar', 'month,week', '--runs-dir', join(root, 'runs')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"week" is not a calendar feature; they are month, dayOfWeek, hour, dayOfYear (e.g. month,dayOfWeek).');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const numbers = join(root, 'numbers.csv');
    await writeFile(numbers, 'Value\n' + Array.from({ length: 60 }, (_, i) => String(i % 7)).join('\n') + '\n');
    const noTime = await cliRun(['train', '--csv', numbers, '--calendar', 'hour', '--epochs', '1', '--runs-dir', join(root, 'runs')]);
    expect(noTime.code).toBe(1);
    expect(noTime.stderr).toContain('Calendar features (hour) are computed from the time column, and numbers.csv has none that was detected; pick its date or time column.');
    expect(noTime.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);
});
