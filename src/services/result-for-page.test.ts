import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunEvent } from '../contract/run-events.js';
import type { RunResult } from '../contract/run-result.js';
import { bundledDatasetPath } from '../engine/data/bundled-datasets.js';
import { runForecast } from '../engine/run.js';
import { pageEvents, resultForPage } from './result-for-page.js';

/** An hourly-like series of `rows` rows: a daily cycle, a slow trend and a few spikes. */
function longCsv(dir: string, rows: number): string {
  const path = join(dir, 'long.csv');
  const lines = ['hour,value'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(50 + 20 * Math.sin((2 * Math.PI * i) / 24) + i / 500 + (i % 997 === 0 ? 80 : 0)).toFixed(3)}`);
  writeFileSync(path, lines.join('\n'));
  return path;
}

describe('the result a page gets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-page-'));
  let full: RunResult;

  it('of a long run: thinned one-step rows per split, the references aligned with them, the whole series thinned, every residual counted', async () => {
    full = await runForecast({
      data: { path: longCsv(dir, 12_000) },
      prep: { timeSteps: 8, windowing: 'sliding', validationFraction: 0.1 },
      training: { epochs: 1, batchSize: 64, seed: 1 },
      evaluation: { seasonLength: 24 },
    });
    const page = resultForPage(full, 2000, 5000);
    expect(full.predictions.length).toBeGreaterThan(11_900);
    expect(full.actualSeries?.values).toHaveLength(12_000);
    expect(page.thinned?.predictionRows).toBe(full.predictions.length);
    expect(page.predictions.length).toBeGreaterThan(1000);
    expect(page.predictions.length).toBeLessThanOrEqual(3 * 2000);
    // Each split keeps its first and last rows and its extremes, in series order.
    for (const split of ['train', 'validation', 'test'] as const) {
      const all = full.predictions.filter((p) => p.split === split);
      const kept = page.predictions.filter((p) => p.split === split);
      expect(kept[0]).toEqual(all[0]);
      expect(kept.at(-1)).toEqual(all.at(-1));
      expect(kept.map((p) => p.index)).toEqual([...kept.map((p) => p.index)].sort((a, b) => a - b));
      const peak = all.reduce((a, b) => (b.actual > a.actual ? b : a));
      expect(kept).toContainEqual(peak);
      const worst = all.reduce((a, b) => (Math.abs(b.actual - b.predicted) > Math.abs(a.actual - a.predicted) ? b : a));
      expect(kept).toContainEqual(worst);
    }
    // The references' test forecasts follow the kept test rows: naive repeats the row before each target.
    const values = full.actualSeries!.values;
    const testRows = page.predictions.filter((p) => p.split === 'test');
    const naive = page.baselines.find((b) => b.name === 'naive')!;
    expect(naive.testPredicted).toHaveLength(testRows.length);
    testRows.forEach((row, i) => expect(naive.testPredicted![i]).toBe(values[row.index - 1]));
    for (const b of page.baselines) expect(b.testPredicted).toHaveLength(testRows.length);
    // The whole actual series, thinned with its row numbers, first and last rows kept.
    const series = page.actualSeries!;
    expect(series.values).toHaveLength(5000);
    expect(series.index![0]).toBe(0);
    expect(series.index!.at(-1)).toBe(11_999);
    series.index!.forEach((row, i) => expect(series.values[i]).toBe(values[row]));
    // The histogram counts every one-step residual, not only the kept rows.
    const { train, test } = page.thinned!.residualHistogram;
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    expect(sum(train)).toBe(full.samples.train);
    expect(sum(test)).toBe(full.samples.test);
    // What crosses is still a valid run event.
    const event = pageEvents()({ type: 'finished', runId: full.runId, result: full });
    expect(parseRunEvent(JSON.parse(JSON.stringify(event)))).toMatchObject({ type: 'finished', result: { predictions: page.predictions } });
    expect(JSON.stringify(event).length).toBeLessThan(JSON.stringify(full).length / 2);
  });

  it('of a short run: unchanged, the same object', async () => {
    const small = await runForecast({ data: { path: bundledDatasetPath('air-passengers.csv') }, training: { epochs: 1, seed: 1 } });
    expect(resultForPage(small)).toBe(small);
    expect(small.actualSeries?.values).toHaveLength(small.dataset.rows);
    const event = { type: 'finished' as const, runId: small.runId, result: small };
    expect(pageEvents()(event)).toBe(event);
  });
});
