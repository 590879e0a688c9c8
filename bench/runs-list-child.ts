/** Child of bench/runs.ts: one cold RunStore.list() in a fresh process, as `runs list` does it; prints seconds and runs. */
import { RunStore } from '../src/engine/runs/store.js';

const start = performance.now();
const listing = await new RunStore(process.argv[2], { origin: 'cli' }).list();
process.stdout.write(JSON.stringify({ seconds: (performance.now() - start) / 1000, runs: listing.runs.length }));
