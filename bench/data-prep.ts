/**
 * Data preparation on ../shared/datasets/real/pollution.csv (43,824 hourly rows; skipped with a message
 * where absent): loadSeries with a daily-mean resampling and the categorical `cbwd` as one-hot inputs,
 * beside the reference measured in the same run: loadSeries of the same columns without preparation
 * (pm2.5 and a numeric input). Median of 5 runs each, after one warm-up.
 *
 *   node --import tsx bench/data-prep.ts
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSpecSchema } from '../src/contract/run-config.js';
import { loadSeries } from '../src/engine/data/load-series.js';

const POLLUTION = resolve(import.meta.dirname, '../../shared/datasets/real/pollution.csv');

async function medianSeconds(run: () => Promise<unknown>, times = 5): Promise<number> {
  await run();
  const seconds: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds.sort((a, b) => a - b)[Math.floor(times / 2)];
}

export async function benchDataPrep(): Promise<void> {
  if (!existsSync(POLLUTION)) {
    console.log(`data preparation: skipped, ${POLLUTION} is absent`);
    return;
  }
  const plain = DataSpecSchema.parse({ path: POLLUTION, column: 'pm2.5', inputColumns: ['DEWP'] });
  const prepared = DataSpecSchema.parse({ path: POLLUTION, column: 'pm2.5', inputColumns: ['cbwd'], resample: { every: 'day', how: 'mean' } });
  const reference = await medianSeconds(() => loadSeries(plain));
  const withPrep = await medianSeconds(() => loadSeries(prepared));
  const rows = (await loadSeries(prepared)).features[0].length;
  console.log(
    `data preparation (pollution.csv, 43,824 rows → ${rows} daily means, cbwd one-hot): ${withPrep.toFixed(3)} s; reference (same file, no preparation): ${reference.toFixed(3)} s (×${(withPrep / reference).toFixed(2)})`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDataPrep();
