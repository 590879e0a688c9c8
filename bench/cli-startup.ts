/**
 * Whole-process start-up of the command line (issue 10): `forecast-workbench --help` and `inspect` of a small
 * CSV, each the median of 7 runs, beside a bare `node -e 0` measured in the same run. The CLI runs the
 * compiled lib/ (`npm run build:node`). The overview (`--help`) loads commander alone; each command's module
 * loads only when it runs (or its help is asked for), and TensorFlow.js only for the commands that use it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'forecast-workbench.mjs');

function medianSeconds(args: string[], runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function benchCliStartup(): void {
  console.log(`\n# Command-line start-up (whole process, median of 7; load average ${loadavg()[0].toFixed(1)} at the start)`);
  if (!existsSync(join(root, 'lib', 'cli', 'index.js'))) {
    console.log('lib/ is not built (npm run build:node): the CLI would run through tsx; skipped.');
    return;
  }
  const node = medianSeconds(['-e', '0']);
  const help = medianSeconds([bin, '--help']);
  const trainHelp = medianSeconds([bin, 'train', '--help']);
  const inspect = medianSeconds([bin, 'inspect', join(root, 'resources', 'datasets', 'air-passengers.csv')]);
  const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
  line('node -e 0 (reference)', `${node.toFixed(3)} s`);
  line('forecast-workbench --help (goal < 0.2 s)', `${help.toFixed(3)} s (node + ${(help - node).toFixed(3)} s)`);
  line('forecast-workbench train --help (its command and schema)', `${trainHelp.toFixed(3)} s (node + ${(trainHelp - node).toFixed(3)} s)`);
  line('forecast-workbench inspect air-passengers.csv (goal < 0.4 s)', `${inspect.toFixed(3)} s (node + ${(inspect - node).toFixed(3)} s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) benchCliStartup();
