/**
 * The host's engine in a separate, long-lived process: a typed proxy, derived from the engine-call table
 * (src/contract/engine-calls.ts), that sends every call to the engine worker
 * (src/training-process/engine-entry.ts, messages in src/contract/engine-worker.ts) started through a
 * TrainingProcessLauncher — `forkLauncher({ entry: ENGINE_WORKER_ENTRY })` in browser mode and tests,
 * Electron's utilityProcess launcher on out/main/engine-worker.js in the desktop app. So CSV parsing and
 * TensorFlow.js never run in (or block) the Electron main process or the server.
 *
 * - The worker starts on the first call and is kept; calls made before it is ready wait for it. One that
 *   does not say 'engine-ready' within readyTimeoutMs is ended with SIGKILL and its waiting calls fail.
 * - Calls are routed by id; progress reaches the call's onProgress; replies are validated with the method's
 *   result schema, progress with its progress schema.
 * - Every call has a deadline (the table's deadlineMs, restarted by each progress message). A worker that
 *   misses one is taken as hung (e.g. stopped with SIGSTOP): it is ended with SIGKILL, that call fails with
 *   a sentence saying so, the other calls in flight fail with "The engine process stopped while …; try
 *   again.", and the next call starts a new worker.
 * - An 'invalid-input' reply is rethrown as InvalidInputError with the same sentence, so the UI shows what
 *   it showed when the engine ran in-process; anything else as an Error with the worker's message.
 * - If the worker dies, the calls in flight fail with "The engine process stopped while …; try again."
 *   and the next call starts a new worker.
 * - dispose() ends the worker; later calls are refused.
 */
import { ENGINE_METHODS, engineCalls, engineStoppedMessage, reportsProgress, type EngineApi, type EngineMethod } from '../contract/engine-calls.js';
import { parseEngineProgress, parseEngineResult, parseEngineWorkerMessage, type EngineCall } from '../contract/engine-worker.js';
import { InvalidInputError } from '../contract/run-config.js';
import type { HostEngine } from './engine-bindings.js';
import type { TrainingProcessExit, TrainingProcessHandle, TrainingProcessLauncher } from './launcher.js';

export { engineStoppedMessage } from '../contract/engine-calls.js';

export interface ProcessEngineOptions {
  /** How long a new worker may take to say 'engine-ready' before it is ended (default 60 s). */
  readyTimeoutMs?: number;
  /** Deadlines replacing the table's for some methods (milliseconds; tests use short ones). */
  deadlinesMs?: Partial<Record<EngineMethod, number>>;
  log?: (text: string) => void;
}

export type ProcessEngine = HostEngine & {
  /** The worker's process id while one is running (for diagnostics and tests). */
  readonly pid: number | undefined;
  /** End the worker; calls in flight fail and later calls are refused. */
  dispose(): void;
};

interface Worker {
  handle: TrainingProcessHandle;
  ready: boolean;
  /** Calls waiting for 'engine-ready'. */
  queue: EngineCall[];
  readyTimer: NodeJS.Timeout;
}

interface Pending {
  worker: Worker;
  method: EngineMethod;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (fraction: number) => void;
  /** Armed when the call is handed to a ready worker. */
  deadline: NodeJS.Timeout | null;
}

const seconds = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`);

export function processEngine(launcher: TrainingProcessLauncher, options: ProcessEngineOptions = {}): ProcessEngine {
  const log = options.log ?? ((text: string) => process.stderr.write(`engine process: ${text}\n`));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadlineOf = (method: EngineMethod) => options.deadlinesMs?.[method] ?? engineCalls[method].deadlineMs;
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
        log(`the engine worker did not start within ${seconds(readyTimeoutMs)}; ending it`);
        abandon(w, () => `The engine process did not start within ${seconds(readyTimeoutMs)}; try again.`);
      }, readyTimeoutMs),
    };
    handle.onMessage((raw) => onMessage(w, raw));
    handle.onExit((exit) => onExit(w, exit));
    return w;
  }

  /** Give up on a worker that is hung: fail its calls with `why`, end it with SIGKILL, start afresh next call. */
  function abandon(w: Worker, why: (p: Pending) => string): void {
    clearTimeout(w.readyTimer);
    if (worker === w) worker = null;
    for (const [id, p] of [...pending]) if (p.worker === w) settle(id, () => p.reject(new Error(why(p))));
    w.handle.kill('SIGKILL');
  }

  function send(w: Worker, call: EngineCall): void {
    const p = pending.get(call.id);
    if (!p) return;
    armDeadline(call.id, p);
    try {
      w.handle.send(call);
    } catch (error) {
      settle(call.id, (q) => q.reject(new Error(`The engine call could not be sent: ${(error as Error).message}`)));
    }
  }

  function armDeadline(id: number, p: Pending): void {
    if (p.deadline) return void p.deadline.refresh();
    const ms = deadlineOf(p.method);
    p.deadline = setTimeout(() => {
      if (pending.get(id) !== p) return;
      const activity = engineCalls[p.method].activity;
      log(`${p.method} got no answer within ${seconds(ms)}; ending the engine worker (pid ${p.worker.handle.pid})`);
      settle(id, () => p.reject(new Error(`The engine process did not answer within ${seconds(ms)} while ${activity}, so it was restarted; try again.`)));
      abandon(p.worker, (other) => engineStoppedMessage(other.method));
    }, ms);
  }

  function settle(id: number, how: (p: Pending) => void): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (p.deadline) clearTimeout(p.deadline);
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
      for (const call of w.queue.splice(0)) send(w, call);
      return;
    }
    const p = pending.get(message.id);
    if (!p || p.worker !== w) return;
    if (message.type === 'engine-progress') {
      let fraction: number | null;
      try {
        fraction = parseEngineProgress(p.method, message.fraction);
      } catch (error) {
        return log(`ignored invalid progress for ${p.method}: ${(error as Error).message}`);
      }
      if (fraction === null) return;
      // A call that reports progress is alive: its deadline starts again.
      armDeadline(message.id, p);
      try {
        p.onProgress?.(fraction);
      } catch (error) {
        log(`a progress listener threw: ${(error as Error).message}`);
      }
      return;
    }
    settle(message.id, (call) => {
      if (!message.ok) {
        const { kind, message: text, problems } = message.error;
        return call.reject(kind === 'invalid-input' ? new InvalidInputError(text, problems ?? [text]) : new Error(text));
      }
      let value;
      try {
        value = parseEngineResult(call.method, message.value);
      } catch (error) {
        log(`the engine worker's ${call.method} result does not match the contract: ${(error as Error).message}`);
        return call.reject(new Error(`The engine process sent a reply the workbench could not read (${(error as Error).message}).`));
      }
      call.resolve(value);
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

  /** Send one call: the method's data arguments travel, a call's `{ onProgress }` stays here. */
  function call(method: EngineMethod, callArgs: unknown[]): Promise<unknown> {
    if (disposed) return Promise.reject(new Error('The workbench is shutting down.'));
    const arity = engineCalls[method].args.def.items.length;
    const args = callArgs.slice(0, arity);
    const progressOption = reportsProgress(method) ? (callArgs[arity] as { onProgress?: (fraction: number) => void } | undefined) : undefined;
    const w = (worker ??= start());
    const id = nextId++;
    const request = { type: 'engine-call', id, method, args } as EngineCall;
    return new Promise((resolve, reject) => {
      pending.set(id, { worker: w, method, resolve, reject, onProgress: progressOption?.onProgress, deadline: null });
      if (w.ready) send(w, request);
      else w.queue.push(request);
    });
  }

  // The proxy: one function per method of the table, each typed by it (EngineApi).
  const engine = Object.fromEntries(ENGINE_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)])) as EngineApi;

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
