/**
 * A TrainingProcessLauncher using Node's child_process.fork. In development and tests it runs the
 * TypeScript entry through tsx; given a built .js entry it runs that directly.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../contract/training-process.js';
import {
  BACKEND_ENV,
  escalatingKill,
  HEARTBEAT_ENV,
  processExitTracker,
  trackChild,
  type LaunchOptions,
  type TrainingProcessHandle,
  type TrainingProcessLauncher,
} from './launcher.js';

export interface ForkLauncherOptions {
  /** The training process entry: a .ts file (run with tsx) or a built .js file. Default: TRAINING_ENTRY. */
  entry?: string;
  /** Extra environment for the process. */
  env?: NodeJS.ProcessEnv;
  /** Copy the process's stderr to this stream as well as capturing its tail (default: process.stderr; null = only capture). */
  echoStderr?: NodeJS.WritableStream | null;
  /** IPC serialization: 'json' (default) or 'advanced' (structured clone, as Electron's utilityProcess). */
  serialization?: 'json' | 'advanced';
  /** After SIGTERM, how long the process has to exit before SIGKILL (default 5 s). */
  killGraceMs?: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The entries beside this module: the TypeScript sources when it runs from src/ (through tsx, in development
 * and tests), the compiled JavaScript when it runs from lib/ (`npm run build:node`: the CLI and browser mode).
 */
const entryExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
/** The training process entry in this tree. */
export const TRAINING_ENTRY = join(here, '..', 'training-process', `entry${entryExtension}`);
/** The engine worker entry (see engine-process.ts). */
export const ENGINE_WORKER_ENTRY = join(here, '..', 'training-process', `engine-entry${entryExtension}`);

/** `--import <tsx loader>` as an absolute URL, so the child resolves tsx whatever its working directory. */
function tsxImportArgs(): string[] {
  const require = createRequire(import.meta.url);
  const tsxDir = dirname(require.resolve('tsx/package.json'));
  return ['--import', pathToFileURL(join(tsxDir, 'dist', 'loader.mjs')).href];
}

export function forkLauncher(options: ForkLauncherOptions = {}): TrainingProcessLauncher {
  const entry = options.entry ?? TRAINING_ENTRY;
  if (!existsSync(entry)) throw new Error(`The process entry ${entry} does not exist.`);
  const execArgv = /\.[mc]?ts$/.test(entry) ? tsxImportArgs() : [];
  const echo = options.echoStderr === undefined ? process.stderr : options.echoStderr;

  return {
    launch(launchOptions: LaunchOptions = {}): TrainingProcessHandle {
      const child = fork(entry, [], {
        execArgv,
        env: {
          ...process.env,
          ...options.env,
          [BACKEND_ENV]: launchOptions.backend ?? 'auto',
          [HEARTBEAT_ENV]: String(launchOptions.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS),
        },
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        serialization: options.serialization ?? 'json',
      });
      const exit = processExitTracker();
      const untrack = trackChild(child.pid, () => exit.exited);
      exit.onExit(untrack);
      child.stderr?.on('data', (chunk: Buffer) => {
        echo?.write(chunk);
        exit.appendStderr(chunk.toString('utf8'));
      });
      // 'close' fires after stdio has ended, so the stderr tail is complete.
      child.on('close', (code, signal) => exit.finish({ code, signal }));
      child.on('error', (error) => {
        // Spawn failures never emit 'close' when there is no process.
        if (child.pid === undefined) exit.finish({ code: null, signal: null, stderrTail: error.message });
      });
      return {
        pid: child.pid,
        send(message) {
          if (child.connected) child.send(message);
        },
        onMessage(listener) {
          child.on('message', listener);
        },
        onExit: exit.onExit,
        kill: escalatingKill({
          signal: (name) => child.kill(name),
          exited: () => exit.exited || child.exitCode !== null || child.signalCode !== null,
          graceMs: options.killGraceMs,
        }),
      };
    },
  };
}
