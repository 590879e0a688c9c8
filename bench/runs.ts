/**
 * The run store and sweeps, each figure beside a reference measured in the same run:
 *   1. `runs list` over 1,000 stored runs (RunStore.list in-process, and the CLI end to end) — goal < 0.5 s;
 *      references: reading the same 1,000 files raw, and the CLI's `--help` (process start alone).
 *   2. The tutorial sweep: 4 unit counts × 3 time steps × 4 learning rates, 20 epochs, batch 1 (48 runs) in
 *      parallel training processes (one per core) — goal ≤ 10 s on 2 cores (needs the fused kernel);
 *      references: one tutorial run in-process × 48 / cores (the ideal without process overhead), and the
 *      time a training process takes to report 'ready'.
 *   BENCH_SWEEP_EPOCHS (default 20) and BENCH_SWEEP=skip shorten or skip the sweep.
 *
 *   node --import tsx bench/runs.ts
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../src/contract/run-config.js';
import { bundledDatasetPath } from '../src/engine/data/bundled-datasets.js';
import { runForecast } from '../src/engine/run.js';
import { RunRecorder } from '../src/engine/runs/recorder.js';
import { RunStore } from '../src/engine/runs/store.js';
import { forkLauncher } from '../src/services/fork-launcher.js';
import { SweepService } from '../src/services/sweep-service.js';

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
  const cli = time(['runs', 'list', '--runs-dir', dir, '--json']);
  const help = time(['--help']);
  line('CLI: forecast-workbench runs list --json', `${cli.toFixed(2)} s end to end`);
  line('reference: forecast-workbench --help (process start)', `${help.toFixed(2)} s (the CLI loads TensorFlow.js at start)`);
}

async function readyTime(): Promise<number> {
  const start = performance.now();
  const handle = forkLauncher({ echoStderr: null }).launch({ backend: 'auto' });
  await new Promise<void>((resolve) => handle.onMessage((m) => (m as { type?: string }).type === 'ready' && resolve()));
  const seconds = (performance.now() - start) / 1000;
  handle.kill();
  return seconds;
}

async function benchSweep(scratch: string): Promise<void> {
  const epochs = Number(process.env.BENCH_SWEEP_EPOCHS ?? 20);
  const cores = availableParallelism();
  console.log(`\n# Tutorial sweep: units 2,3,4,8 × time steps 6,12,24 × learning rate 0.0005,0.001,0.002,0.005 (48 runs), ${epochs} epochs, batch 1, ${cores} processes`);
  const base = parseRunConfig({ data: { path: sunspots }, training: { epochs, seed: 1 } });
  const store = new RunStore(join(scratch, 'sweep'), { origin: 'cli' });
  const sweeps = new SweepService({ launcher: forkLauncher({ echoStderr: null }), store, log: () => {} });
  const start = performance.now();
  const { sweepId } = sweeps.start({ base, grid: { units: [2, 3, 4, 8], 'time-steps': [6, 12, 24], 'learning-rate': [0.0005, 0.001, 0.002, 0.005] }, rankBy: 'test' });
  const status = await sweeps.wait(sweepId);
  const seconds = (performance.now() - start) / 1000;
  sweeps.dispose();
  const best = status.ranked[0];
  line('sweep (SweepService, fork launcher)', `${seconds.toFixed(1)} s, ${status.done}/${status.total} runs, ${status.failed} failed  (goal ≤ 10 s)`);
  const failures = status.ranked.flatMap((p) => p.failures);
  if (failures.length) line('  first failure', failures[0]);
  line('  best point', `${Object.entries(best.settings).map(([k, v]) => `${k}=${v}`).join(' ')}: test RMSE ${best.testRmse?.median.toFixed(3)}`);
  const one = await runForecast(base, {});
  line('reference: one tutorial run in-process × 48 / cores', `${((one.trainSeconds * 48) / cores).toFixed(1)} s (one run trains in ${one.trainSeconds.toFixed(2)} s)`);
  line('reference: a training process reports ready after', `${(await readyTime()).toFixed(2)} s (paid once per run)`);
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
