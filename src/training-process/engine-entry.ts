/**
 * Entry of the engine worker: the long-lived process that runs the host's heavy engine calls (CSV
 * inspection and series reading, anatomy, opening/predicting with/exporting bundles), so the Electron main
 * process and the browser-mode server never parse data or run TensorFlow.js. Works as Electron's
 * utilityProcess (built to out/main/engine-worker.js) and under Node's child_process.fork (tests and
 * browser mode: `node --import tsx engine-entry.ts`).
 *
 * Protocol: src/contract/engine-worker.ts. The host starts it on first use and restarts it if it dies.
 */
import { engineImplementation } from '../engine/engine-calls.js';
import { startEngineWorker } from './engine-worker.js';
import { connectToParent } from './parent-channel.js';

const channel = connectToParent();
if (!channel) {
  process.stderr.write('The engine worker must be started by the workbench (Electron utilityProcess or child_process.fork).\n');
  process.exit(2);
}

// The host went away: nothing left to answer.
channel.onDisconnect(() => process.exit(0));

// The engine modules load on first use, so the worker is ready at once and loads TensorFlow.js only when a call needs it.
startEngineWorker(channel, engineImplementation);

// An error no call caught leaves the engine in an unknown state: end the process; the host fails the calls
// in flight with a clear message and starts a new worker for the next call.
const die = (what: string) => (error: unknown) => {
  process.stderr.write(`engine worker: ${what}: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(70);
};
process.on('uncaughtException', die('uncaught exception'));
process.on('unhandledRejection', die('unhandled rejection'));
