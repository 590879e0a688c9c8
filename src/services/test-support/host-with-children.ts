/**
 * A minimal host for tests of what happens to its children when it goes away: it starts the engine worker
 * (one call) and a long training run, prints `{"enginePid":…,"trainingPid":…}` on one line once the run has
 * finished an epoch, and then waits to be signalled or killed. Run with `node --import tsx` (see
 * src/services/host-exit.test.ts). With `--graceful` it handles SIGTERM and SIGINT itself as bin/serve.mjs
 * does: dispose the services, then process.exit(0).
 */
import { fileURLToPath } from 'node:url';
import { processEngine } from '../engine-process.js';
import { ENGINE_WORKER_ENTRY, forkLauncher } from '../fork-launcher.js';
import type { TrainingProcessLauncher } from '../launcher.js';
import { TrainingSupervisor } from '../training-supervisor.js';

const SUNSPOTS = fileURLToPath(new URL('../../../resources/datasets/sunspots.csv', import.meta.url));

const engine = processEngine(forkLauncher({ entry: ENGINE_WORKER_ENTRY, serialization: 'advanced', echoStderr: null }), { log: () => {} });
const training = forkLauncher({ echoStderr: null });
let trainingPid: number | undefined;
const recording: TrainingProcessLauncher = {
  launch(options) {
    const handle = training.launch(options);
    trainingPid ??= handle.pid;
    return handle;
  },
};
const supervisor = new TrainingSupervisor({ launcher: recording, runsDir: null, log: () => {} });

await engine.inspectCsv(SUNSPOTS);
supervisor.start({ data: { path: SUNSPOTS }, prep: { timeSteps: 12 }, training: { epochs: 500, batchSize: 4, seed: 1 } });
const off = supervisor.onEvent((event) => {
  if (event.type !== 'epoch') return;
  off();
  process.stdout.write(`${JSON.stringify({ enginePid: engine.pid, trainingPid })}\n`);
});
if (process.argv.includes('--graceful')) {
  const stop = () => {
    supervisor.dispose();
    engine.dispose();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Stay up until signalled.
setInterval(() => {}, 60_000);
