/**
 * The Electron TrainingProcessLauncher: a utilityProcess running `entry` — out/main/training-process.js
 * (one per run) or out/main/engine-worker.js (the long-lived engine worker).
 */
import { utilityProcess } from 'electron';
import { BACKEND_ENV, processExitTracker, type LaunchOptions, type TrainingProcessHandle, type TrainingProcessLauncher } from '../services/launcher.js';

export function utilityProcessLauncher(entry: string, serviceName = 'Forecast Workbench training'): TrainingProcessLauncher {
  return {
    launch(options: LaunchOptions = {}): TrainingProcessHandle {
      const child = utilityProcess.fork(entry, [], {
        serviceName,
        stdio: 'pipe',
        env: { ...process.env, [BACKEND_ENV]: options.backend ?? 'auto' },
      });
      const exit = processExitTracker();
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
        kill: () => {
          if (!exit.exited) child.kill();
        },
      };
    },
  };
}
