/** The Electron TrainingProcessLauncher: one utilityProcess per run, running out/main/training-process.js. */
import { utilityProcess } from 'electron';
import { BACKEND_ENV, type LaunchOptions, type TrainingProcessExit, type TrainingProcessHandle, type TrainingProcessLauncher } from '../services/launcher.js';

export function utilityProcessLauncher(entry: string): TrainingProcessLauncher {
  return {
    launch(options: LaunchOptions = {}): TrainingProcessHandle {
      const child = utilityProcess.fork(entry, [], {
        serviceName: 'Forecast Workbench training',
        stdio: 'pipe',
        env: { ...process.env, [BACKEND_ENV]: options.backend ?? 'auto' },
      });
      let tail = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        tail = (tail + chunk.toString('utf8')).slice(-4000);
      });
      child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
      const exitListeners: Array<(exit: TrainingProcessExit) => void> = [];
      let exited: TrainingProcessExit | null = null;
      const finish = (exit: TrainingProcessExit) => {
        if (exited) return;
        exited = exit;
        for (const listener of exitListeners) listener(exit);
      };
      child.on('exit', (code) => finish({ code, signal: null, stderrTail: tail.trim() }));
      // 'error' reports a fatal error in the process (e.g. a V8 OOM); 'exit' follows.
      child.on('error', (type, location) => {
        tail += `\n${type} at ${location}`;
      });
      return {
        get pid() {
          return child.pid;
        },
        send: (message) => child.postMessage(message),
        onMessage: (listener) => {
          child.on('message', listener);
        },
        onExit: (listener) => {
          if (exited) listener(exited);
          else exitListeners.push(listener);
        },
        kill: () => {
          if (!exited) child.kill();
        },
      };
    },
  };
}
