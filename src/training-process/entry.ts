/**
 * Entry of the training process. Works as Electron's utilityProcess (built to out/main/training-process.js)
 * and under Node's child_process.fork (tests and browser mode: `node --import tsx entry.ts`).
 *
 * Protocol (src/contract/training-process.ts): once {type:'ready', backend}; then one 'train' request,
 * whose run events are posted as they happen, ending with 'finished' or 'failed'; 'stop' ends training
 * after the current batch. The host ends the process after the run.
 */
import { BACKEND_CHOICES, type BackendChoice } from '../contract/run-config.js';
import { initBackend } from '../engine/model/backend.js';
import { recoverRun, runForecast } from '../engine/run.js';
import { BACKEND_ENV } from '../contract/training-process.js';
import { connectToParent } from './parent-channel.js';
import { startTrainingWorker } from './worker.js';

const channel = connectToParent();
if (!channel) {
  process.stderr.write('The training process must be started by the workbench (Electron utilityProcess or child_process.fork).\n');
  process.exit(2);
}

// The host went away: nothing left to report to.
channel.onDisconnect(() => process.exit(0));

// The host starts one process per run and passes the run's backend setting in the environment.
const requested = process.env[BACKEND_ENV];
const backend: BackendChoice = (BACKEND_CHOICES as readonly string[]).includes(requested ?? '') ? (requested as BackendChoice) : 'auto';

const worker = startTrainingWorker(channel, {
  backendChoice: backend,
  initBackend: () => initBackend(backend),
  // Epochs that take milliseconds reach the host as one 'epochs' event at most every 250 ms (the page redraws its loss chart on each).
  runForecast: (config, options) => runForecast(config, { ...options, epochEventIntervalMs: 250 }),
  recoverRun: (runId, runsDir, options) => recoverRun(runId, runsDir, options),
});

// Never die silently: tell the host what happened (as a 'failed' event when a run is going), then exit.
const die = (what: string) => (error: unknown) => {
  process.stderr.write(`training process: ${what}: ${(error as Error)?.stack ?? String(error)}\n`);
  const timeout = setTimeout(() => process.exit(70), 2000);
  void worker.reportFatal(error).finally(() => {
    clearTimeout(timeout);
    process.exit(70);
  });
};
process.on('uncaughtException', die('uncaught exception'));
process.on('unhandledRejection', die('unhandled rejection'));
