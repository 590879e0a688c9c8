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
  /** End the process now. */
  kill(): void;
}

export interface LaunchOptions {
  /** TensorFlow.js backend the process starts (the run's `backend` setting); default 'auto'. */
  backend?: BackendChoice;
}

export { BACKEND_ENV } from '../contract/training-process.js';

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
