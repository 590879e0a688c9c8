/**
 * How a host starts a training process (or the engine worker: the same launchers, given its entry). The
 * supervisor and processEngine only know this interface; implementations: `forkLauncher` (Node's
 * child_process.fork: tests, browser mode, CLI) and the Electron launcher in src/main/training-launcher.ts
 * (utilityProcess.fork).
 */
import type { BackendChoice } from '../contract/run-config.js';
import type { EngineWorkerRequest } from '../contract/engine-worker.js';
import type { TrainingProcessRequest } from '../contract/training-process.js';

export interface TrainingProcessExit {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: string | null;
  /** Last lines the process wrote to stderr, when the launcher captured them. */
  stderrTail?: string;
}

export interface TrainingProcessHandle {
  readonly pid: number | undefined;
  send(message: TrainingProcessRequest | EngineWorkerRequest): void;
  /** Raw messages from the process; the supervisor validates them. */
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has ended (or could not start). */
  onExit(listener: (exit: TrainingProcessExit) => void): void;
  /**
   * End the process: 'SIGTERM' (default) asks it to exit and sends SIGKILL if it has not after the
   * launcher's grace period (a stopped or hung process never acts on SIGTERM); 'SIGKILL' ends it at once.
   */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void;
}

export interface LaunchOptions {
  /** TensorFlow.js backend the process starts (the run's `backend` setting); default 'auto'. */
  backend?: BackendChoice;
  /** How often the process posts a heartbeat (passed in HEARTBEAT_ENV); default DEFAULT_HEARTBEAT_INTERVAL_MS. */
  heartbeatIntervalMs?: number;
}

export { BACKEND_ENV, HEARTBEAT_ENV } from '../contract/training-process.js';

/** After a polite SIGTERM, how long a process has to exit before it gets SIGKILL (default). */
const DEFAULT_KILL_GRACE_MS = 5000;

export interface TrainingProcessLauncher {
  launch(options?: LaunchOptions): TrainingProcessHandle;
}

/**
 * Exit bookkeeping every launcher needs: the stderr tail, and an exit reported exactly once to listeners
 * registered before or after it.
 */
export function processExitTracker() {
  const listeners: Array<(exit: TrainingProcessExit) => void> = [];
  let exited: TrainingProcessExit | null = null;
  let tail = '';
  return {
    /** Keep the last 4000 characters of what the process wrote to stderr. */
    appendStderr(text: string): void {
      tail = (tail + text).slice(-4000);
    },
    finish(exit: Omit<TrainingProcessExit, 'stderrTail'> & { stderrTail?: string }): void {
      if (exited) return;
      exited = { ...exit, stderrTail: exit.stderrTail ?? tail.trim() };
      for (const listener of listeners) listener(exited);
    },
    onExit(listener: (exit: TrainingProcessExit) => void): void {
      if (exited) listener(exited);
      else listeners.push(listener);
    },
    get exited(): boolean {
      return exited !== null;
    },
  };
}

/**
 * `kill(signal)` for a launcher's handle: SIGTERM escalates to SIGKILL after `graceMs` unless the process
 * has exited by then; SIGKILL goes at once. `signal(name)` delivers one signal to the process.
 */
export function escalatingKill(options: { signal(name: 'SIGTERM' | 'SIGKILL'): void; exited(): boolean; graceMs?: number }) {
  let escalation: NodeJS.Timeout | null = null;
  return (name: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void => {
    if (options.exited()) return;
    options.signal(name);
    if (name === 'SIGKILL' || escalation) return;
    escalation = setTimeout(() => {
      if (!options.exited()) options.signal('SIGKILL');
    }, options.graceMs ?? DEFAULT_KILL_GRACE_MS);
    escalation.unref();
  };
}

/**
 * Every child process a launcher started and that has not exited yet. When the host process exits
 * (normally, by process.exit, or by SIGTERM / SIGINT / SIGHUP where nothing else handles them) each is sent
 * SIGKILL, so no training process or engine worker is left behind, stopped or not.
 */
const liveChildren = new Map<number, () => boolean>();
const HOST_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
let hostHooksInstalled = false;

function killLiveChildren(): void {
  for (const [pid, exited] of liveChildren) {
    if (exited()) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  liveChildren.clear();
}

function installHostHooks(): void {
  if (hostHooksInstalled) return;
  hostHooksInstalled = true;
  process.on('exit', killLiveChildren);
  for (const name of HOST_SIGNALS) {
    const onSignal = () => {
      // Another handler (e.g. the server's graceful shutdown) owns this signal; 'exit' still ends the children.
      if (process.listenerCount(name) > 1) return;
      killLiveChildren();
      process.removeListener(name, onSignal);
      process.kill(process.pid, name); // the default action: terminate as the signal asked
    };
    process.on(name, onSignal);
  }
}

/** Remember a started child until it exits (see liveChildren). */
export function trackChild(pid: number | undefined, exited: () => boolean): () => void {
  if (pid === undefined) return () => {};
  installHostHooks();
  liveChildren.set(pid, exited);
  return () => liveChildren.delete(pid);
}
