/**
 * The host's engine in a separate, long-lived process: every HostEngine call is sent to the engine worker
 * (src/training-process/engine-entry.ts, protocol in src/contract/engine-worker.ts) started through a
 * TrainingProcessLauncher — `forkLauncher({ entry: ENGINE_WORKER_ENTRY_TS })` in browser mode and tests,
 * Electron's utilityProcess launcher on out/main/engine-worker.js in the desktop app. So CSV parsing and
 * TensorFlow.js never run in (or block) the Electron main process or the server.
 *
 * - The worker starts on the first call and is kept; calls made before it is ready wait for it.
 * - Calls are routed by id; 'engine-progress' reaches the call's onProgress; replies are validated.
 * - An 'invalid-input' reply is rethrown as InvalidInputError with the same sentence, so the UI shows what
 *   it showed when the engine ran in-process; anything else as an Error with the worker's message.
 * - If the worker dies, the calls in flight fail with "The engine process stopped while …; try again."
 *   and the next call starts a new worker.
 * - dispose() ends the worker; later calls are refused.
 */
import type { AnatomyRequest } from '../contract/anatomy.js';
import type { EngineCall, EngineWorkerMethod } from '../contract/engine-worker.js';
import { parseEngineWorkerMessage } from '../contract/engine-worker.js';
import { InvalidInputError } from '../contract/run-config.js';
import type { HostEngine } from './engine-bindings.js';
import type { TrainingProcessExit, TrainingProcessHandle, TrainingProcessLauncher } from './launcher.js';

export interface ProcessEngineOptions {
  /** How long a new worker may take to say 'engine-ready' before it is ended (default 60 s). */
  readyTimeoutMs?: number;
  log?: (text: string) => void;
}

export type ProcessEngine = HostEngine & {
  /** The worker's process id while one is running (for diagnostics and tests). */
  readonly pid: number | undefined;
  /** End the worker; calls in flight fail and later calls are refused. */
  dispose(): void;
};

/** Words for "The engine process stopped while …; try again." */
const ACTIVITY: Record<EngineWorkerMethod, string> = {
  inspectCsv: 'reading the CSV file',
  loadSeriesPreview: 'loading the series',
  computeAnatomy: 'computing the anatomy',
  openBundle: 'opening the model',
  predictWithBundle: 'predicting with the model',
  exportBundle: 'exporting the model',
};

export function engineStoppedMessage(method: EngineWorkerMethod): string {
  return `The engine process stopped while ${ACTIVITY[method]}; try again.`;
}

interface Worker {
  handle: TrainingProcessHandle;
  ready: boolean;
  /** Calls waiting for 'engine-ready'. */
  queue: EngineCall[];
  readyTimer: NodeJS.Timeout;
}

interface Pending {
  worker: Worker;
  method: EngineWorkerMethod;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (fraction: number) => void;
}

type CallArgs = { [M in EngineWorkerMethod]: Extract<EngineCall, { method: M }>['args'] };

export function processEngine(launcher: TrainingProcessLauncher, options: ProcessEngineOptions = {}): ProcessEngine {
  const log = options.log ?? ((text: string) => process.stderr.write(`engine process: ${text}\n`));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;
  let disposed = false;

  function start(): Worker {
    const handle = launcher.launch();
    const w: Worker = {
      handle,
      ready: false,
      queue: [],
      readyTimer: setTimeout(() => {
        if (w.ready) return;
        log(`the engine worker did not start within ${Math.round(readyTimeoutMs / 1000)} seconds; ending it`);
        handle.kill();
      }, readyTimeoutMs),
    };
    handle.onMessage((raw) => onMessage(w, raw));
    handle.onExit((exit) => onExit(w, exit));
    return w;
  }

  function send(w: Worker, call: EngineCall): void {
    try {
      w.handle.send(call);
    } catch (error) {
      settle(call.id, (p) => p.reject(new Error(`The engine call could not be sent: ${(error as Error).message}`)));
    }
  }

  function settle(id: number, how: (p: Pending) => void): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    how(p);
  }

  function onMessage(w: Worker, raw: unknown): void {
    let message;
    try {
      message = parseEngineWorkerMessage(raw);
    } catch (error) {
      log(`ignored an invalid message from the engine worker: ${(error as Error).message}`);
      const r = raw as { type?: unknown; id?: unknown } | null;
      if (r?.type === 'engine-reply' && typeof r.id === 'number' && pending.get(r.id)?.worker === w) {
        settle(r.id, (p) => p.reject(new Error(`The engine process sent a reply the workbench could not read (${(error as Error).message}).`)));
      }
      return;
    }
    if (message.type === 'engine-ready') {
      if (w.ready) return;
      w.ready = true;
      clearTimeout(w.readyTimer);
      for (const call of w.queue.splice(0)) if (pending.has(call.id)) send(w, call);
      return;
    }
    const p = pending.get(message.id);
    if (!p || p.worker !== w) return;
    if (message.type === 'engine-progress') {
      try {
        p.onProgress?.(message.fraction);
      } catch (error) {
        log(`a progress listener threw: ${(error as Error).message}`);
      }
      return;
    }
    settle(message.id, (call) => {
      if (message.ok) call.resolve(message.value);
      else if (message.error.kind === 'invalid-input') call.reject(new InvalidInputError(message.error.message, message.error.problems ?? [message.error.message]));
      else call.reject(new Error(message.error.message));
    });
  }

  function onExit(w: Worker, exit: TrainingProcessExit): void {
    clearTimeout(w.readyTimer);
    if (worker === w) worker = null;
    const lost = [...pending].filter(([, p]) => p.worker === w);
    if (!disposed) {
      const how = exit.signal ? `was ended by signal ${exit.signal}` : `exited with code ${exit.code}`;
      const tail = exit.stderrTail ? `; its last words: ${exit.stderrTail.split('\n').at(-1)}` : '';
      log(`the engine worker ${how}${lost.length ? ` with ${lost.length} call(s) in flight` : ''}${tail}`);
    }
    for (const [id, p] of lost) settle(id, () => p.reject(new Error(engineStoppedMessage(p.method))));
  }

  function call<M extends EngineWorkerMethod>(method: M, args: CallArgs[M], onProgress?: (fraction: number) => void): Promise<unknown> {
    if (disposed) return Promise.reject(new Error('The workbench is shutting down.'));
    const w = (worker ??= start());
    const id = nextId++;
    const request = { type: 'engine-call', id, method, args } as EngineCall;
    return new Promise((resolve, reject) => {
      pending.set(id, { worker: w, method, resolve, reject, onProgress });
      if (w.ready) send(w, request);
      else w.queue.push(request);
    });
  }

  /** The plain-data part of an engine options object (onProgress travels as 'engine-progress'). */
  const dataOf = (options: { onProgress?: unknown } | undefined): Record<string, unknown> => {
    const { onProgress: _progress, ...rest } = options ?? {};
    return rest;
  };

  const engine: HostEngine = {
    inspectCsv: (path, opts) => call('inspectCsv', [path, dataOf(opts)], opts?.onProgress) as ReturnType<HostEngine['inspectCsv']>,
    loadSeriesPreview: (request, opts) =>
      call('loadSeriesPreview', [request, dataOf(opts)], opts?.onProgress) as ReturnType<HostEngine['loadSeriesPreview']>,
    computeAnatomy: (request: AnatomyRequest) => call('computeAnatomy', [request]) as ReturnType<HostEngine['computeAnatomy']>,
    openBundle: (dir) => call('openBundle', [dir]) as ReturnType<HostEngine['openBundle']>,
    predictWithBundle: (bundleDir, csvPath) => call('predictWithBundle', [bundleDir, csvPath]) as ReturnType<HostEngine['predictWithBundle']>,
    exportBundle: (sourceDir, destinationDir) => call('exportBundle', [sourceDir, destinationDir]) as ReturnType<HostEngine['exportBundle']>,
  };

  return {
    ...engine,
    get pid() {
      return worker?.handle.pid;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      const w = worker;
      worker = null;
      for (const [id, p] of [...pending]) settle(id, () => p.reject(new Error('The workbench is shutting down.')));
      if (w) {
        clearTimeout(w.readyTimer);
        w.handle.kill();
      }
    },
  };
}
