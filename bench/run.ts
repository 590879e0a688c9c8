/**
 * `npm run bench`: speed and memory figures, each beside a reference measured in the same run.
 *   1. The tutorial's training (SimpleRNN(3), 20 epochs, batch 1) through the engine, against the same model
 *      trained with tfjs's own model.fit, and against PyTorch (python3-torch) when it is installed.
 *   2. Opening a 1,000,000-row CSV (bench/csv-open.ts).
 *   0. Command-line start-up (bench/cli-startup.ts).
 *   3. The fused kernel's workloads W1 and W2 of issue 12 against PyTorch and the tfjs loop (bench/fused.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseRunConfig } from '../src/contract/run-config.js';
import { bundledDatasetPath } from '../src/engine/data/bundled-datasets.js';
import { loadSeries } from '../src/engine/data/load-series.js';
import { prepareData } from '../src/engine/data/prepare.js';
import { initBackend } from '../src/engine/model/backend.js';
import { buildModel, makeOptimizer } from '../src/engine/model/build.js';
import { runForecast } from '../src/engine/run.js';
import { benchFused } from './fused.js';

const epochs = Number(process.env.BENCH_EPOCHS ?? 20);
const sunspots = bundledDatasetPath('sunspots.csv');
const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);

async function tfjsFitReference(): Promise<number> {
  const config = parseRunConfig({ data: { path: sunspots }, training: { seed: 1, epochs } });
  const prepared = prepareData(await loadSeries(config.data), config.prep);
  const model = buildModel(config.model, { timeSteps: 12, features: 1, seed: 1 });
  model.compile({ loss: 'meanSquaredError', optimizer: makeOptimizer('adam', 0.001) });
  const x = tf.tensor3d(prepared.train.x, [prepared.train.samples, 12, 1]);
  const y = tf.tensor2d(prepared.train.y, [prepared.train.samples, 1]);
  const start = performance.now();
  await model.fit(x, y, { epochs, batchSize: 1, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return seconds;
}

/** Debian's python3 (where apt installs python3-torch and python3-pandas), else whichever python3 is on PATH. */
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function torchReference(): { seconds: number; testRmse: number; threads: number; torch: string } | string {
  const r = spawnSync(python, [join(import.meta.dirname, 'reference_torch.py'), sunspots, String(epochs)], { encoding: 'utf8' });
  if (r.status !== 0) return `not measured (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}; apt-get install python3-torch python3-pandas)`;
  return JSON.parse(r.stdout);
}

async function benchTraining(): Promise<void> {
  const backend = await initBackend();
  console.log(`\n# Tutorial training: SimpleRNN(3) + Dense(1), ${epochs} epochs, batch 1, 187 windows (backend ${backend})`);
  const engine = await runForecast({ data: { path: sunspots }, training: { seed: 1, epochs } });
  const fit = await tfjsFitReference();
  line('engine (runForecast: seeded trainOnBatch loop)', `${engine.trainSeconds.toFixed(2)} s, test RMSE ${engine.metrics.test.rmse.toFixed(3)}`);
  line('reference: tfjs model.fit, same model and data', `${fit.toFixed(2)} s  -> engine/fit = ${(engine.trainSeconds / fit).toFixed(2)}`);
  const torch = torchReference();
  if (typeof torch === 'string') line('reference: PyTorch', torch);
  else
    line(
      `reference: PyTorch ${torch.torch} (${torch.threads} thread)`,
      `${torch.seconds.toFixed(2)} s, test RMSE ${torch.testRmse.toFixed(3)}  -> engine/PyTorch = ${(engine.trainSeconds / torch.seconds).toFixed(2)}`,
    );
}

async function benchCsv(): Promise<void> {
  try {
    const { benchCsvOpen } = await import('./csv-open.js');
    await benchCsvOpen();
  } catch (error) {
    console.log(`\n# CSV open bench not available: ${(error as Error).message}`);
  }
}

(await import('./cli-startup.js')).benchCliStartup();
await benchTraining();
await benchCsv();
await (await import('./runs.js')).benchRuns();
await (await import('./data-prep.js')).benchDataPrep();
await benchFused(epochs);
await (await import('./queue.js')).benchQueue();
