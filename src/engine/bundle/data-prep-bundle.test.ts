/**
 * A run on prepared data (a date range, daily rows resampled to weekly means, a categorical input as
 * one-hot columns) records the preparation in its bundle, and `predictWithBundle` prepares a new file the
 * same way: resampled, one-hot with the bundle's categories, an unseen category refused.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleMetadataSchema } from '../../contract/bundles.js';
import { InvalidInputError, parseRunConfig } from '../../contract/run-config.js';
import { trainAndEvaluate } from '../run.js';
import { predictWithBundle, writeRunBundle } from './index.js';

const folders: string[] = [];
afterAll(async () => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));

/** `days` daily rows from 2020-01-06 (a Monday): a weekly wave, and the weather as a category. */
function dailyCsv(days: number, weather: (day: number) => string): string {
  const lines = ['date,load,weather'];
  for (let day = 0; day < days; day++) {
    const date = new Date(Date.UTC(2020, 0, 6) + day * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${date},${(100 + 20 * Math.sin(day / 9) + (day % 7)).toFixed(3)},${weather(day)}`);
  }
  return lines.join('\n') + '\n';
}

describe('a bundle trained on prepared data', () => {
  it('records the resampling, date range and categories, and predict applies the resampling and categories to a new file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'data-prep-bundle-'));
    folders.push(dir);
    const csvPath = join(dir, 'daily.csv');
    await writeFile(csvPath, dailyCsv(7 * 60, (day) => ['sun', 'rain', 'fog'][day % 3]));
    const config = parseRunConfig({
      data: { path: csvPath, column: 'load', inputColumns: ['weather'], resample: { every: 'week', how: 'mean' }, dateRange: { from: '2020-02-03', to: null } },
      prep: { timeSteps: 4, windowing: 'sliding' },
      training: { epochs: 2, batchSize: 8, seed: 3, learningRate: 0.01 },
      evaluation: { forecastSteps: 0 },
      backend: 'cpu',
    });
    const run = await trainAndEvaluate(config, { runId: 'prepared-run' });
    const out = join(dir, 'bundle');
    try {
      // 60 weeks from 2020-01-06; the range starts 4 weeks later.
      expect(run.result.dataset).toMatchObject({
        rows: 56,
        inputColumns: ['weather=fog', 'weather=rain', 'weather=sun'],
        categories: { weather: ['fog', 'rain', 'sun'] },
      });
      await writeRunBundle({ dir: out, model: run.model, result: run.result });
      const meta = BundleMetadataSchema.parse(JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')));
      expect(meta.config.data).toMatchObject({ resample: { every: 'week', how: 'mean' }, dateRange: { from: '2020-02-03', to: null } });
      expect(meta.dataset.categories).toEqual({ weather: ['fog', 'rain', 'sun'] });
      expect(meta.windowing.features).toEqual(['load', 'weather=fog', 'weather=rain', 'weather=sun']);
      const readme = await readFile(join(out, 'README.txt'), 'utf8');
      expect(readme).toContain('Date range: 2020-02-03 to the last row (training data only).');
      expect(readme).toContain("Resampled to week periods (mean of each period's rows), before windowing; predict resamples new data the same way.");
      expect(readme).toContain('One-hot input "weather": "fog", "rain", "sun" (other values are refused).');

      // A new file with one of the categories only: resampled to its 20 weeks (the date range is not applied), the other columns zero.
      const newPath = join(dir, 'new.csv');
      await writeFile(newPath, dailyCsv(7 * 20, () => 'rain'));
      const prediction = await predictWithBundle(out, newPath);
      expect(prediction.dataset).toMatchObject({ rows: 20, inputColumns: ['weather=fog', 'weather=rain', 'weather=sun'] });
      expect(prediction.predictions[0].time).toBe('2020-02-03');
      expect(prediction.windows).toBe(16);

      const unseenPath = join(dir, 'snow.csv');
      await writeFile(unseenPath, dailyCsv(7 * 20, (day) => (day === 30 ? 'snow' : 'sun')));
      const error = await predictWithBundle(out, unseenPath).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toBe(
        'snow.csv does not fit this bundle, which needs target "load" and input columns "weather": Column "weather" of snow.csv has the value(s) "snow" the model never saw; it knows only "fog", "rain", "sun".',
      );
    } finally {
      run.model.dispose();
    }
  });
});
