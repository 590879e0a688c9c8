/**
 * The run store and sweeps, each figure beside a reference measured in the same run:
 *   1. `runs list` over 1,000 stored runs (RunStore.list in-process, and the CLI end to end) — goal < 0.5 s;
 *      references: reading the same 1,000 files raw, and the CLI's `--help` (process start alone).
 *   2. The tutorial sweep: 4 unit counts × 3 time steps × 4 learning rates, 20 epochs, batch 1 (48 runs), the
 *      built CLI end to end (its pool of long-lived training processes, one per core, every run stored) — goal
 *      ≤ 10 s on 2 cores; reference: the same 48 runs in-process one after another, divided by the cores (the
 *      ideal without processes or recording). The load average is printed beside it.
 *   BENCH_SWEEP_EPOCHS (default 20) and BENCH_SWEEP=skip shorten or skip the sweep.
 *
 *   node --import tsx bench/runs.ts
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../src/contract/run-config.js';
import { bundledDatasetPath } from '../src/engine/data/bundled-datasets.js';
import { runForecast } from '../src/engine/run.js';
import { RunRecorder } from '../src/engine/runs/recorder.js';
import { RunStore } from '../src/engine/runs/store.js';
import { expandSweep } from '../src/engine/runs/sweep-plan.js';

const loadAverage = () => loadavg()[0].toFixed(1);
const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
const bin = join(import.meta.dirname, '..', 'bin', 'forecast-workbench.mjs');
const sunspots = bundledDatasetPath('sunspots.csv');

async function benchList(scratch: string): Promise<void> {
  console.log('\n# runs list with 1,000 stored runs');
  const dir = join(scratch, 'list');
  const store = new RunStore(dir, { origin: 'cli' });
  // One real run, its record copied 999 times under new ids.
  const config = parseRunConfig({ data: { path: sunspots }, training: { epochs: 20, batchSize: 64, seed: 1 } });
  const recorder = new RunRecorder(store);
  await recorder.begin('run-bench-0000', config);
  let recorded: Promise<void> = Promise.resolve();
  await runForecast(config, { runId: 'run-bench-0000', runsDir: null, onEvent: (e) => (recorded = recorder.onEvent(e)) });
  await recorded;
  const text = await readFile(join(store.recordsDir, 'run-bench-0000.json'), 'utf8');
  const summaryText = await readFile(join(store.recordsDir, 'run-bench-0000.summary.json'), 'utf8');
  const record = JSON.parse(text);
  const summary = JSON.parse(summaryText);
  for (let i = 1; i < 1000; i++) {
    const runId = `run-bench-${String(i).padStart(4, '0')}`;
    const startedAt = new Date(Date.parse(record.startedAt) + i * 1000).toISOString();
    await writeFile(join(store.recordsDir, `${runId}.json`), JSON.stringify({ ...record, runId, startedAt }));
    await writeFile(join(store.recordsDir, `${runId}.summary.json`), JSON.stringify({ ...summary, runId, startedAt }));
  }
  line('one record (20 epochs of losses) / its summary', `${(text.length / 1024).toFixed(1)} KB / ${(summaryText.length / 1024).toFixed(1)} KB`);

  const rawStart = performance.now();
  const names = (await readdir(store.recordsDir)).filter((n) => n.endsWith('.summary.json'));
  await Promise.all(names.map((n) => readFile(join(store.recordsDir, n), 'utf8')));
  const raw = (performance.now() - rawStart) / 1000;
  // Cold, in a fresh process, as `runs list` runs it.
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'runs-list-child.ts'), dir], { encoding: 'utf8' });
  const cold = JSON.parse(child.stdout) as { seconds: number; cpuSeconds: number; runs: number };
  line('RunStore.list, cold in a new process (1,000 runs)', `${cold.seconds.toFixed(3)} s (CPU ${cold.cpuSeconds.toFixed(3)} s) for ${cold.runs} runs  (goal < 0.5 s)`);
  line('reference: readFile of the 1,000 summary files', `${raw.toFixed(3)} s  -> list/raw = ${(cold.seconds / raw).toFixed(1)}`);

  const time = (args: string[]) => {
    const start = performance.now();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(r.stderr);
    return (performance.now() - start) / 1000;
  };
  const first = time(['runs', 'list', '--runs-dir', dir, '--json']);
  // The store as it is between runs: the records folder unchanged for a few seconds, so the index answers.
  const past = new Date(Date.now() - 60_000);
  await utimes(store.recordsDir, past, past);
  time(['runs', 'list', '--runs-dir', dir, '--json']);
  const cli = time(['runs', 'list', '--runs-dir', dir, '--json']);
  const help = time(['--help']);
  const nodeStart = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  const bare = (performance.now() - nodeStart) / 1000;
  line('CLI: forecast-workbench runs list --json (from the index)', `${cli.toFixed(2)} s end to end  (goal < 0.5 s; load average ${loadAverage()})`);
  line('  the first list after 1,000 new runs (builds the index)', `${first.toFixed(2)} s`);
  line('reference: forecast-workbench --help (process start)', `${help.toFixed(2)} s; node -e 0: ${bare.toFixed(2)} s`);
}

async function benchSweep(scratch: string): Promise<void> {
  const epochs = Number(process.env.BENCH_SWEEP_EPOCHS ?? 20);
  const cores = availableParallelism();
  const grid = { units: [2, 3, 4, 8], 'time-steps': [6, 12, 24], 'learning-rate': [0.0005, 0.001, 0.002, 0.005] };
  console.log(`\n# Tutorial sweep: units 2,3,4,8 × time steps 6,12,24 × learning rate 0.0005,0.001,0.002,0.005 (48 runs), ${epochs} epochs, batch 1, ${cores} cores`);
  const before = loadAverage();
  // End to end, as a user runs it: the built CLI (lib/), its pool of training processes, every run stored.
  const args = ['sweep', '--epochs', String(epochs), '--seed', '1', '--rank-by', 'test', '--runs-dir', join(scratch, 'sweep-cli'), '--json'];
  for (const [name, values] of Object.entries(grid)) args.push('--grid', `${name}=${values.join(',')}`);
  const start = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(r.stderr);
  const out = JSON.parse(r.stdout) as { done: number; total: number; failed: number; runs: Array<{ failure: string | null }>; best: { point: { settings: Record<string, unknown>; testRmse: { median: number } | null } } | null };
  line('CLI: forecast-workbench sweep (48 runs), end to end', `${seconds.toFixed(1)} s, ${out.done}/${out.total} runs, ${out.failed} failed  (goal ≤ 10 s; load average ${before} before)`);
  const failure = out.runs.find((run) => run.failure)?.failure;
  if (failure) line('  first failure', failure);
  if (out.best) line('  best point', `${Object.entries(out.best.point.settings).map(([k, v]) => `${k}=${v}`).join(' ')}: test RMSE ${out.best.point.testRmse?.median.toFixed(3)}`);

  // Reference: the same 48 runs in this process, one after another (warm, light bundles, nothing recorded), over the cores.
  const store = new RunStore(join(scratch, 'sweep-ref'), { origin: 'cli' });
  const { points } = expandSweep({ base: parseRunConfig({ data: { path: sunspots }, training: { epochs, seed: 1 } }), grid, random: null, repeat: 1, rankBy: 'test', confirmed: true, parallel: null });
  await runForecast(points[0].configs[0], { runsDir: null }); // warm up: imports, wasm, the references' fit
  const refStart = performance.now();
  for (const point of points) await runForecast(point.configs[0], { runsDir: store.dir, bundleCharts: false });
  const inProcess = (performance.now() - refStart) / 1000;
  line('reference: the 48 runs in-process, one after another', `${inProcess.toFixed(1)} s -> / ${cores} cores = ${(inProcess / cores).toFixed(1)} s; sweep/ideal = ${(seconds / (inProcess / cores)).toFixed(1)}`);
  line('load average (1 min) after', loadAverage());
}

export async function benchRuns(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'fw-bench-runs-'));
  try {
    await benchList(scratch);
    if (process.env.BENCH_SWEEP !== 'skip') await benchSweep(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRuns();
