/**
 * Picks the TensorFlow.js backend: native TensorFlow (tfjs-node) when it loads, else, for a run on the tfjs
 * trainer, the faster pure-JS backend for that model's size (`backendForWorkload`), or the one asked for.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../../contract/run-config.js';

let chosen: Promise<string> | null = null;
let nativeLoadError: string | null = null;
/** tfjs-node is installed but did not load (e.g. its binding missing from a packaged app's app.asar.unpacked). */
let nativeInstalledButBroken = false;

async function tryNative(): Promise<boolean> {
  try {
    // An optional dependency: absent where its native library cannot be installed.
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    return tf.findBackend('tensorflow') !== undefined || tf.engine().registryFactory['tensorflow'] !== undefined;
  } catch (error) {
    nativeLoadError = (error as Error).message.split('\n')[0];
    const code = (error as NodeJS.ErrnoException).code;
    nativeInstalledButBroken = !((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /tfjs-node['"]/.test(nativeLoadError ?? ''));
    return false;
  }
}

async function activate(choice: BackendChoice): Promise<string> {
  tf.enableProdMode();
  if (choice === 'auto' || choice === 'tensorflow') {
    if (await tryNative()) {
      await tf.setBackend('tensorflow');
      await tf.ready();
      return tf.getBackend();
    }
    if (choice === 'tensorflow') {
      throw new Error(`The native TensorFlow backend (@tensorflow/tfjs-node) is not available here: ${nativeLoadError}`);
    }
    choice = 'cpu';
  }
  if (choice === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  }
  if (!(await tf.setBackend(choice))) throw new Error(`The TensorFlow.js backend "${choice}" could not start.`);
  await tf.ready();
  return tf.getBackend();
}

/** Start the backend (once per process) and return its name: 'tensorflow', 'cpu' or 'wasm'. */
export function initBackend(choice: BackendChoice = 'auto'): Promise<string> {
  if (!chosen) {
    chosen = activate(choice);
    chosen.catch(() => (chosen = null));
  }
  return chosen;
}

/**
 * A sentence for the run's warnings when 'auto' fell back to pure JavaScript although tfjs-node is
 * installed (it failed to load); null when it loaded, was not asked for, or is simply not installed
 * (then the backend every run reports, 'cpu', says it).
 */
export function nativeFallbackWarning(): string | null {
  if (!nativeInstalledButBroken || !nativeLoadError) return null;
  return `Native TensorFlow (@tensorflow/tfjs-node) is installed but did not load (${nativeLoadError}); this run used the pure-JavaScript "${tf.getBackend()}" backend instead.`;
}

/**
 * Work per training batch (parameters × batch size) from which 'wasm' trains faster than 'cpu'. Measured by
 * `node --import tsx bench/backend-choice.ts` (2 cores, Node 20): cpu/wasm time per batch is 0.93 for the
 * tutorial's SimpleRNN(3) at batch 1 (19), 0.77 at batch 32 (608), 1.28 for LSTM(8) at batch 16 (5,264),
 * 3.2 for LSTM(16) at batch 32 (45,600) and 6.8 for LSTM(64) at batch 64 (1,151,040).
 */
const WASM_FROM_WORK = 2000;

export interface Workload {
  parameters: number;
  batchSize: number;
}

/** The pure-JS backend that trains this workload faster. */
export function backendForWorkload({ parameters, batchSize }: Workload): 'cpu' | 'wasm' {
  return parameters * batchSize >= WASM_FROM_WORK ? 'wasm' : 'cpu';
}

/**
 * The backend for one run: as initBackend, but 'auto' without native TensorFlow picks cpu or wasm for the
 * workload (and stays on cpu if wasm cannot start here). Returns the backend's name.
 */
export async function useBackendFor(choice: BackendChoice, workload: Workload): Promise<string> {
  const started = await initBackend(choice);
  if (choice !== 'auto' || started === 'tensorflow') return started;
  const wanted = backendForWorkload(workload);
  if (tf.getBackend() === wanted) return wanted;
  try {
    if (wanted === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend(wanted)) {
      await tf.ready();
      return tf.getBackend();
    }
  } catch {
    // wasm did not start here: cpu does the work
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

