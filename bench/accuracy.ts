/**
 * `npm run bench:accuracy`: the network against the baselines and the statistical references on the five
 * bundled series, under both protocols, as a Markdown table for the README.
 *
 * Each series is run with the workbench's defaults (the tutorial's network and windows, 80 % training split,
 * season detected), seeds 1-5; the network's figure is the median test RMSE of the 5 seeds, in original units.
 * The baselines and references do not depend on the seed (they are fitted on the same training part), so they
 * come from the first run. BENCH_EPOCHS overrides the 20 epochs; BENCH_SEEDS the 5 seeds.
 */
import { bundledDatasetPath } from '../src/engine/data/bundled-datasets.js';
import { runForecast } from '../src/engine/run.js';
import type { RunResult } from '../src/contract/run-result.js';

const epochs = Number(process.env.BENCH_EPOCHS ?? 20);
const seeds = Array.from({ length: Number(process.env.BENCH_SEEDS ?? 5) }, (_, i) => i + 1);
const datasets = ['sunspots.csv', 'air-passengers.csv', 'mauna-loa-co2.csv', 'nottingham-temperature.csv', 'eu-stock-markets.csv'];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3));

const rows: string[] = [];
for (const file of datasets) {
  const runs: RunResult[] = [];
  for (const seed of seeds) runs.push(await runForecast({ data: { path: bundledDatasetPath(file) }, training: { seed, epochs } }));
  const oneStep = median(runs.map((r) => r.metrics.test.original.rmse));
  const fromOrigin = runs.every((r) => r.metrics.testFromOrigin) ? median(runs.map((r) => r.metrics.testFromOrigin!.original.rmse)) : NaN;
  // The verdict names the best baseline or reference per protocol (evaluate/verdict.ts); they do not depend on the seed.
  const bestOneStep = runs[0].verdict?.oneStep;
  const bestFromOrigin = runs[0].verdict?.fromOrigin;
  const named = (v: typeof bestOneStep | null) => (v ? `${fmt(v.bestRmse)} (${v.best})` : '—');
  const row = `| ${file.replace('.csv', '')} (m = ${runs[0].seasonLength ?? 'none'}) | ${fmt(oneStep)} | ${named(bestOneStep)} | ${fmt(fromOrigin)} | ${named(bestFromOrigin)} |`;
  console.error(row);
  rows.push(row);
}
console.log(`Test RMSE in original units; network: median of ${seeds.length} seeds, ${epochs} epochs, the workbench's defaults.\n`);
console.log('| series | network, one step | best baseline or reference, one step | network, from the origin | best, from the origin |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
