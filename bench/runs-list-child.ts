/** Child of bench/runs.ts: one cold RunStore.list() in a fresh process, as `runs list` does it; prints seconds and runs. */
import { RunStore } from '../src/engine/runs/store.js';

const start = performance.now();
const cpu = process.cpuUsage();
const listing = await new RunStore(process.argv[2], { origin: 'cli' }).list();
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6, runs: listing.runs.length }));
