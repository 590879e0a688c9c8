/**
 * The fused kernel's figures of issue 12, each beside its references measured in the same run (the machine
 * may be shared, so ratios are what counts):
 *   W1  the tutorial's training (SimpleRNN(3), 20 epochs, batch 1): fused trainer, the tfjs loop, PyTorch (1 thread)
 *   W2  pollution.csv LSTM(64), batch 64, 24 steps: one epoch (fused vs PyTorch with 2 threads; tfjs timed over a
 *       few batches and extrapolated), evaluation of all windows (fused vs PyTorch's forward pass), peak RSS
 * PyTorch is Debian's python3-torch (with python3-pandas); the bench says so where it is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../src/contract/run-config.js';
import { bundledDatasetPath } from '../src/engine/data/bundled-datasets.js';
import { loadSeries } from '../src/engine/data/load-series.js';
import { prepareData } from '../src/engine/data/prepare.js';
import { simdAvailable } from '../src/engine/model/fused/index.js';
import { buildModel } from '../src/engine/model/build.js';
import { fusedTrainer } from '../src/engine/train/fused-trainer.js';
import { tfjsTrainer } from '../src/engine/train/tfjs-trainer.js';
import { POLLUTION_CSV } from './w2-setup.js';

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const line = (label: string, value: string) => console.log(`${label.padEnd(60)} ${value}`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}x`;
const rows: string[][] = [];

function runJson<T>(command: string, args: string[]): T | string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `not measured (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
  try {
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
  } catch {
    return `not measured (unreadable output: ${r.stdout.slice(0, 200)})`;
  }
}

const torchMissing = (message: string) => `${message}; install with apt-get install python3-torch python3-pandas`;

async function benchW1(epochs: number): Promise<void> {
  const config = parseRunConfig({ data: { path: bundledDatasetPath('sunspots.csv') }, training: { seed: 1, epochs } });
  const prepared = prepareData(await loadSeries(config.data), config.prep);
  const { train } = prepared;
  const training = { ...config.training, seed: 1 };
  console.log(`\n# W1: the tutorial, SimpleRNN(3) + Dense(1), ${epochs} epochs, batch 1, ${train.samples} windows`);
  const fusedModel = buildModel(config.model, { timeSteps: train.timeSteps, features: train.features, seed: 1 });
  const fused = await fusedTrainer.train({ model: fusedModel, spec: config.model, train, validation: null, training });
  fusedModel.dispose();
  const tfjsModel = buildModel(config.model, { timeSteps: train.timeSteps, features: train.features, seed: 1 });
  const tfjs = await tfjsTrainer.train({ model: tfjsModel, spec: config.model, train, validation: null, training });
  tfjsModel.dispose();
  line('fused trainer', `${fused.seconds.toFixed(3)} s`);
  line('tfjs loop (trainOnBatch, cpu backend)', `${tfjs.seconds.toFixed(2)} s  -> fused/tfjs = ${ratio(fused.seconds, tfjs.seconds)}`);
  const torch = runJson<{ seconds: number; threads: number; torch: string }>(python, [join(import.meta.dirname, 'reference_torch.py'), bundledDatasetPath('sunspots.csv'), String(epochs)]);
  if (typeof torch === 'string') {
    line('PyTorch', torchMissing(torch));
    rows.push(['W1 training', `${fused.seconds.toFixed(3)} s`, 'not measured', `${tfjs.seconds.toFixed(2)} s`, '–', 'at most 0.1x']);
  } else {
    line(`PyTorch ${torch.torch} (${torch.threads} thread)`, `${torch.seconds.toFixed(2)} s  -> fused/PyTorch = ${ratio(fused.seconds, torch.seconds)}`);
    rows.push(['W1 training', `${fused.seconds.toFixed(3)} s`, `${torch.seconds.toFixed(2)} s`, `${tfjs.seconds.toFixed(2)} s`, ratio(fused.seconds, torch.seconds), 'at most 0.1x']);
  }
}

interface FusedW2 {
  epochSeconds: number;
  evalSeconds: number;
  epochCpuSeconds: number;
  evalCpuSeconds: number;
  windows: number;
  trainWindows: number;
  testRmse: number;
  maxRssMB: number;
}
interface TorchW2 {
  epochSeconds: number;
  evalSeconds: number;
  epochCpuSeconds: number;
  evalCpuSeconds: number;
  windows: number;
  testRmse: number;
  threads: number;
  torch: string;
}
interface TfjsW2 {
  backend: string;
  batchSeconds: number;
  windowSeconds: number;
  batchesPerEpoch: number;
  windows: number;
}

function benchW2(): void {
  console.log('\n# W2: pollution.csv, LSTM(64) + Dense(1), 24 steps, 5 features, batch 64, Adam, one epoch');
  if (!existsSync(POLLUTION_CSV)) {
    line('W2', `not measured (${POLLUTION_CSV} is absent)`);
    return;
  }
  const child = [join(import.meta.dirname, 'w2-child.ts')];
  const fused = runJson<FusedW2>(process.execPath, ['--import', 'tsx', ...child, 'fused']);
  const torch = runJson<TorchW2>(python, [join(import.meta.dirname, 'reference_torch_w2.py'), POLLUTION_CSV, '2']);
  // One thread too: its CPU time is PyTorch's work without the spinning of 2 OpenMP threads on a busy machine.
  const torch1 = runJson<TorchW2>(python, [join(import.meta.dirname, 'reference_torch_w2.py'), POLLUTION_CSV, '1']);
  const tfjs = runJson<TfjsW2>(process.execPath, ['--import', 'tsx', ...child, 'tfjs', '4']);
  if (typeof fused === 'string') {
    line('fused', fused);
    return;
  }
  line(`fused trainer, one epoch (${fused.trainWindows} windows)`, `${fused.epochSeconds.toFixed(2)} s (CPU ${fused.epochCpuSeconds.toFixed(2)} s), test RMSE ${fused.testRmse.toFixed(4)} (scaled)`);
  const tfjsEpoch = typeof tfjs === 'string' ? null : tfjs.batchSeconds * tfjs.batchesPerEpoch;
  const tfjsEval = typeof tfjs === 'string' ? null : tfjs.windowSeconds * tfjs.windows;
  if (typeof tfjs === 'string') line('tfjs loop', tfjs);
  else line(`tfjs loop (${tfjs.backend}; 4 batches timed, x ${tfjs.batchesPerEpoch})`, `~${tfjsEpoch!.toFixed(0)} s  -> fused/tfjs = ${ratio(fused.epochSeconds, tfjsEpoch!)}`);
  const tfjsText = (s: number | null) => (s === null ? 'not measured' : `~${s.toFixed(0)} s (extrapolated)`);
  if (typeof torch === 'string') line('PyTorch', torchMissing(torch));
  else {
    line(`PyTorch ${torch.torch} (${torch.threads} threads), one epoch`, `${torch.epochSeconds.toFixed(2)} s (CPU ${torch.epochCpuSeconds.toFixed(2)} s), test RMSE ${torch.testRmse.toFixed(4)}`);
    line('  -> fused/PyTorch', `wall ${ratio(fused.epochSeconds, torch.epochSeconds)}, CPU time ${ratio(fused.epochCpuSeconds, torch.epochCpuSeconds)}`);
  }
  if (typeof torch1 !== 'string') {
    line('PyTorch (1 thread), one epoch', `${torch1.epochSeconds.toFixed(2)} s (CPU ${torch1.epochCpuSeconds.toFixed(2)} s)`);
    line('  -> fused/PyTorch 1 thread', `wall ${ratio(fused.epochSeconds, torch1.epochSeconds)}, CPU time ${ratio(fused.epochCpuSeconds, torch1.epochCpuSeconds)}`);
  }
  rows.push([
    'W2 one epoch',
    `${fused.epochSeconds.toFixed(2)} s`,
    typeof torch === 'string' ? 'not measured' : `${torch.epochSeconds.toFixed(2)} s`,
    tfjsText(tfjsEpoch),
    typeof torch === 'string' ? '–' : `${ratio(fused.epochSeconds, torch.epochSeconds)} (CPU time ${ratio(fused.epochCpuSeconds, torch.epochCpuSeconds)})`,
    'at most 1.0x (floor 1.5x)',
  ]);
  if (typeof torch1 !== 'string') {
    rows.push(['W2 one epoch, PyTorch 1 thread', `CPU ${fused.epochCpuSeconds.toFixed(2)} s`, `CPU ${torch1.epochCpuSeconds.toFixed(2)} s`, '', `CPU time ${ratio(fused.epochCpuSeconds, torch1.epochCpuSeconds)}`, '(CPU-time reference)']);
  }
  line(`fused inference over all ${fused.windows} windows`, `${fused.evalSeconds.toFixed(2)} s (CPU ${fused.evalCpuSeconds.toFixed(2)} s)`);
  if (tfjsEval !== null) line('tfjs predict (2,048 windows timed, extrapolated)', `~${tfjsEval.toFixed(0)} s  -> fused/tfjs = ${ratio(fused.evalSeconds, tfjsEval)}`);
  if (typeof torch !== 'string') {
    line(`PyTorch forward over all ${torch.windows} windows`, `${torch.evalSeconds.toFixed(2)} s (CPU ${torch.evalCpuSeconds.toFixed(2)} s)`);
    line('  -> fused/PyTorch', `wall ${ratio(fused.evalSeconds, torch.evalSeconds)}, CPU time ${ratio(fused.evalCpuSeconds, torch.evalCpuSeconds)}`);
  }
  if (typeof torch1 !== 'string') {
    line('PyTorch (1 thread) forward over all windows', `${torch1.evalSeconds.toFixed(2)} s (CPU ${torch1.evalCpuSeconds.toFixed(2)} s)`);
    line('  -> fused/PyTorch 1 thread', `wall ${ratio(fused.evalSeconds, torch1.evalSeconds)}, CPU time ${ratio(fused.evalCpuSeconds, torch1.evalCpuSeconds)}`);
  }
  rows.push([
    'W2 evaluation, all windows',
    `${fused.evalSeconds.toFixed(2)} s`,
    typeof torch === 'string' ? 'not measured' : `${torch.evalSeconds.toFixed(2)} s`,
    tfjsText(tfjsEval),
    typeof torch === 'string' ? '–' : `${ratio(fused.evalSeconds, torch.evalSeconds)} (CPU time ${ratio(fused.evalCpuSeconds, torch.evalCpuSeconds)})`,
    'at most 1.0x',
  ]);
  if (typeof torch1 !== 'string') {
    rows.push(['W2 evaluation, PyTorch 1 thread', `CPU ${fused.evalCpuSeconds.toFixed(2)} s`, `CPU ${torch1.evalCpuSeconds.toFixed(2)} s`, '', `CPU time ${ratio(fused.evalCpuSeconds, torch1.evalCpuSeconds)}`, '(CPU-time reference)']);
  }
  line('fused peak RSS of the training process (epoch + evaluation)', `${fused.maxRssMB.toFixed(0)} MB (goal: at most 600 MB)`);
  rows.push(['W2 peak RSS while training', `${fused.maxRssMB.toFixed(0)} MB`, '', '', '', 'at most 600 MB']);
}

export async function benchFused(epochs = 20): Promise<void> {
  const load = loadavg()[0];
  console.log(`\n# Fused kernel (${simdAvailable() ? 'WebAssembly SIMD' : 'TypeScript'} product); ${cpus().length} x ${cpus()[0]?.model}; load average ${load.toFixed(1)} at start`);
  await benchW1(epochs);
  benchW2();
  console.log(`\nload average ${loadavg()[0].toFixed(1)} at the end (figures measured in one run; compare ratios)\n`);
  console.log('| workload | fused | PyTorch | tfjs loop | fused / PyTorch | goal |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

if (process.argv[1] === import.meta.filename) await benchFused(Number(process.env.BENCH_EPOCHS ?? 20));
