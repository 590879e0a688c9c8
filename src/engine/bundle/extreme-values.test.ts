/**
 * Real runs on series near the ends of the floating-point range: near 1e-310 (subnormal: ECharts' tick
 * arithmetic asserted) and near 1e300 (squared errors overflow to infinity, which JSON cannot hold). The
 * bundle is written whole, with its charts and a metadata.json that reads back.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForecast } from '../run.js';
import fc from 'fast-check';
import { lossChartSvg, predictionChartSvg, valueUnit } from './charts.js';
import { readBundle } from './index.js';

tf.enableProdMode();
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-extreme-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function runOn(scale: number) {
  const lines = ['Month,Value'];
  for (let i = 0; i < 72; i++) lines.push(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${(scale * (2 + Math.sin(i / 3))).toPrecision(17)}`);
  const path = join(root, `scale-${scale}.csv`);
  await writeFile(path, lines.join('\n') + '\n');
  const runsDir = join(root, `runs-${scale}`);
  const result = await runForecast(
    { data: { path, column: 'Value' }, prep: { timeSteps: 4, windowing: 'sliding' }, training: { epochs: 1, batchSize: 16, seed: 3 }, backend: 'cpu' },
    { runsDir },
  );
  return result.bundleDir!;
}

describe('series near the ends of the number range', () => {
  it('near 1e-310: the bundle has both charts, drawn in units of 1e-310', async () => {
    const dir = await runOn(1e-310);
    const files = await readdir(dir);
    expect(files).toEqual(expect.arrayContaining(['loss.svg', 'predictions.svg', 'metadata.json', 'model.json']));
    expect(await readFile(join(dir, 'predictions.svg'), 'utf8')).toContain('values (× 1e-310)');
    const summary = await readBundle(dir);
    expect(summary.warnings.join(' ')).not.toMatch(/could not be drawn/);
  });

  it('near 1e300: measures are finite in the JSON (RMSE computed without overflow), and the bundle reads back', async () => {
    const dir = await runOn(1e300);
    const text = await readFile(join(dir, 'metadata.json'), 'utf8');
    expect(text).not.toMatch(/Infinity|NaN/);
    const summary = await readBundle(dir);
    // The RMSE scales before squaring (evaluate/metrics.ts), so it is the true value, not an overflow.
    expect(Number.isFinite(summary.metrics.test.original.rmse)).toBe(true);
    expect(summary.metrics.test.original.rmse).toBeGreaterThan(1e298);
    expect(await readFile(join(dir, 'predictions.svg'), 'utf8')).toContain('values (× 1e300)');
  });

  it('charts draw subnormal, huge and non-finite losses', async () => {
    expect(valueUnit([1e-310, 3e-310])).toEqual({ factor: 1e-310, suffix: ' (× 1e-310)' });
    expect(valueUnit([0.5, 2])).toEqual({ factor: 1, suffix: '' });
    for (const loss of [1e-310, 5e-324, 1e300, Number.MAX_VALUE, Infinity, NaN]) {
      const svg = await lossChartSvg([
        { epoch: 1, loss, valLoss: loss, seconds: 1 },
        { epoch: 2, loss: loss / 2, valLoss: null, seconds: 1 },
      ]);
      expect(svg).toMatch(/^<svg/);
    }
  });

  it('charts draw values that hardly differ (1e-5 and 1e-5 + 1e-21), and any random series (fast-check)', async () => {
    const sets = [[1e-5, 1e-5 + 1e-21], [1e-10, 1e-10 * (1 + 1e-12)], [5e-101, 1e-100], [0.3, 0.3 + 1e-17], [1e6, 1e6 + 1e-10], [0, 1e-30]];
    const rowsOf = (values: number[]) => values.map((v, i) => ({ index: i, time: null, split: 'train' as const, step: 1, actual: v, predicted: v / 2 }));
    for (const values of sets) {
      expect(await lossChartSvg(values.map((loss, i) => ({ epoch: i + 1, loss, valLoss: null, seconds: 1 })))).toMatch(/^<svg/);
      expect(await predictionChartSvg({ title: 't', predictions: rowsOf(values), forecast: [], splitIndex: 1, lastIndex: values.length - 1 })).toMatch(/^<svg/);
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double(), { minLength: 1, maxLength: 30 }), async (values) => {
        const svg = await predictionChartSvg({ title: 't', predictions: rowsOf(values), forecast: [{ step: 1, time: null, value: values[0] }], splitIndex: 1, lastIndex: values.length - 1 });
        expect(svg).toMatch(/^<svg/);
        expect(await lossChartSvg(values.map((loss, i) => ({ epoch: i + 1, loss, valLoss: values[values.length - 1 - i], seconds: 1 })))).toMatch(/^<svg/);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
  }, 120_000);
});
