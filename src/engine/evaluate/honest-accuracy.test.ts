/**
 * The whole run, for real (a small network trained on AirPassengers, its bundle written): the references, both
 * protocols, the prediction intervals and their CSV columns reach the RunResult, the bundle and its files.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunResultSchema, type RunResult } from '../../contract/run-result.js';
import { bundledDatasetPath } from '../data/bundled-datasets.js';
import { runForecast } from '../run.js';

let root: string | null = null;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('honest accuracy in a real run', () => {
  let result: RunResult;
  let bundleDir: string;

  it('scores the network and every reference under both protocols, with intervals and coverage', async () => {
    root = await mkdtemp(join(tmpdir(), 'honest-'));
    bundleDir = join(root, 'bundle');
    result = await runForecast(
      {
        data: { path: bundledDatasetPath('air-passengers.csv') },
        prep: { timeSteps: 12, windowing: 'sliding', testSize: 24, validationFraction: 0.3 },
        training: { seed: 3, epochs: 3, batchSize: 16 },
        evaluation: { forecastSteps: 6 },
      },
      { bundleDir },
    );
    expect(RunResultSchema.parse(result)).toBeTruthy();
    expect(result.samples.splitIndex).toBe(120);
    expect(result.seasonLength).toBe(12);
    expect(result.baselines.filter((b) => b.kind === 'reference').map((b) => b.name)).toEqual(['ets', 'theta', 'arima']);
    for (const b of result.baselines) expect(b.fromOrigin!.count).toBe(b.test.count);
    expect(result.metrics.testFromOrigin!.count).toBe(result.metrics.test.count);
    expect(result.baselines.find((b) => b.name === 'seasonal-naive')!.description).toContain('detected from the monthly time column');
    const intervals = result.intervals!;
    expect(intervals.test.map((b) => b.level)).toEqual([0.8, 0.95]);
    expect(intervals.calibrationSize).toBe(result.samples.validation);
    for (const band of intervals.test) expect(band.coverage).toBeGreaterThanOrEqual(0);
    expect(intervals.forecast.every((b) => b.halfWidth.length === 6)).toBe(true);
  });

  it('writes the same to the bundle: metadata and the CSVs with interval bounds', async () => {
    const metadata = JSON.parse(await readFile(join(bundleDir, 'metadata.json'), 'utf8'));
    expect(metadata.baselines.map((b: { name: string }) => b.name)).toEqual(result.baselines.map((b) => b.name));
    expect(metadata.metrics.testFromOrigin).toEqual(result.metrics.testFromOrigin);
    expect(metadata.intervals).toEqual(result.intervals);
    const predictions = (await readFile(join(bundleDir, 'predictions.csv'), 'utf8')).trim().split('\n');
    expect(predictions[0]).toBe('index,time,split,step,actual,predicted,lower_80,upper_80,lower_95,upper_95');
    const testRow = predictions.find((line) => line.split(',')[2] === 'test')!.split(',');
    const q80 = result.intervals!.test[0].halfWidth[0]!;
    expect(Number(testRow[6])).toBeCloseTo(Number(testRow[5]) - q80, 6);
    const forecast = (await readFile(join(bundleDir, 'forecast.csv'), 'utf8')).trim().split('\n');
    expect(forecast[0]).toBe('step,time,value,lower_80,upper_80,lower_95,upper_95');
    expect(forecast).toHaveLength(7);
  });
});
