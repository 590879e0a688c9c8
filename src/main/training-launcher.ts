/**
 * The Electron TrainingProcessLauncher: a utilityProcess running `entry` — out/main/training-process.js
 * (one per run) or out/main/engine-worker.js (the long-lived engine worker).
 */
import { utilityProcess } from 'electron';
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
} from '../services/launcher.js';

export function utilityProcessLauncher(entry: string, serviceName = 'Forecast Workbench training'): TrainingProcessLauncher {
  return {
    launch(options: LaunchOptions = {}): TrainingProcessHandle {
      const child = utilityProcess.fork(entry, [], {
        serviceName,
        stdio: 'pipe',
        env: {
          ...process.env,
          [BACKEND_ENV]: options.backend ?? 'auto',
          [HEARTBEAT_ENV]: String(options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS),
        },
      });
      const exit = processExitTracker();
      // utilityProcess's own kill() sends SIGTERM only, which a stopped or hung process never acts on; its
      // pid is known from 'spawn' on.
      let pid: number | undefined;
      child.once('spawn', () => {
        pid = child.pid;
        exit.onExit(trackChild(pid, () => exit.exited));
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        exit.appendStderr(chunk.toString('utf8'));
      });
      child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
      child.on('exit', (code) => exit.finish({ code, signal: null }));
      // 'error' reports a fatal error in the process (e.g. a V8 OOM); 'exit' follows.
      child.on('error', (type, location) => exit.appendStderr(`\n${type} at ${location}`));
      return {
        get pid() {
          return child.pid;
        },
        send: (message) => child.postMessage(message),
        onMessage: (listener) => {
          child.on('message', listener);
        },
        onExit: exit.onExit,
        kill: escalatingKill({
          signal: (name) => {
            const current = child.pid ?? pid;
            if (name === 'SIGTERM' || current === undefined) child.kill();
            else {
              try {
                process.kill(current, 'SIGKILL');
              } catch {
                // already gone
              }
            }
          },
          exited: () => exit.exited,
        }),
      };
    },
  };
}
