/**
 * `forecast-workbench queue-sweep --queue redis://HOST:PORT --grid units=2,3,8 --grid time-steps=6,12`:
 * a grid sweep sent to the Redis queue (see src/services/queue/sweep.ts); workers anywhere run the
 * points and the results arrive in the local runs folder (--runs-dir) as they finish. Progress goes to
 * stderr; --json prints every run's settings and metrics at the end. Ctrl+C cancels the sweep.
 * (A minimal stand-in for `sweep --queue` until the runs-and-sweeps `sweep` command takes the option.)
 */
import type { Command } from 'commander';
import { InvalidInputError, parseRunConfig, type RunConfig } from '../../contract/run-config.js';
import { integer } from '../parse-flags.js';
import { addRunFlags, configFromFlags, givenOptions } from '../run-flags.js';

interface QueueSweepFlags {
  queue: string;
  grid: string[];
  seed: number;
  repeat: number;
  runsDir: string;
  attempts: number;
  json?: boolean;
}

/** Grid keys and how each sets a configuration. */
const GRID_KEYS: Record<string, { parse: (v: string) => number | string; set: (c: RunConfig, v: never) => void }> = {
  units: { parse: Number, set: (c, v: number) => c.model.layers.forEach((l) => (l.units = v)) },
  cell: { parse: String, set: (c, v: string) => c.model.layers.forEach((l) => ((l as { type: string }).type = v)) },
  dropout: { parse: Number, set: (c, v: number) => c.model.layers.forEach((l) => (l.dropout = v)) },
  'time-steps': { parse: Number, set: (c, v: number) => (c.prep.timeSteps = v) },
  'learning-rate': { parse: Number, set: (c, v: number) => (c.training.learningRate = v) },
  'batch-size': { parse: Number, set: (c, v: number) => (c.training.batchSize = v) },
  epochs: { parse: Number, set: (c, v: number) => (c.training.epochs = v) },
};

/** Every combination of the grid's values applied to the base configuration, each validated. */
export function expandGrid(base: RunConfig, grid: string[]): RunConfig[] {
  let points: RunConfig[] = [structuredClone(base)];
  for (const entry of grid) {
    const [key, values] = entry.split('=');
    const spec = GRID_KEYS[key?.trim() ?? ''];
    if (!spec || !values) throw new InvalidInputError(`--grid "${entry}": write KEY=V1,V2,… with KEY one of ${Object.keys(GRID_KEYS).join(', ')}.`);
    const parsed = values.split(',').map((v) => spec.parse(v.trim()));
    points = points.flatMap((point) =>
      parsed.map((value) => {
        const next = structuredClone(point);
        spec.set(next, value as never);
        return next;
      }),
    );
  }
  return points.map((point) => parseRunConfig(point));
}

export function registerQueueSweepCommand(program: Command): void {
  const command = program
    .command('queue-sweep')
    .description('Send a grid sweep to a Redis queue (BullMQ) for `worker` processes; results come back into the runs folder.')
    .requiredOption('--queue <url>', 'the queue: redis://[user:password@]HOST:PORT, or rediss:// for TLS')
    .option('--grid <key=values>', `a grid axis, repeatable; keys: ${Object.keys(GRID_KEYS).join(', ')}`, (v: string, acc: string[] = []) => [...acc, v]);
  addRunFlags(command, ['--csv', '--column', '--epochs', '--batch-size'])
    .option('--seed <n>', 'seed of the first repeat (repeat r uses seed + r)', integer, 1)
    .option('--repeat <n>', 'seeds per point', integer, 1)
    .option('--attempts <n>', 'tries per job for errors other than bad data', integer, 3)
    .requiredOption('--runs-dir <dir>', 'local runs folder the results are written to')
    .option('--json', 'print every run as JSON at the end')
    .action(async (flags: QueueSweepFlags) => {
      // The run flags given, and the queue's own seed (1 unless given: every job needs one).
      const base = configFromFlags({ ...givenOptions(command), seed: flags.seed });
      const points = expandGrid(base, flags.grid ?? []);
      const cancel = new AbortController();
      const onSigint = () => cancel.abort('cancelled from the command line (Ctrl+C)');
      process.once('SIGINT', onSigint);
      try {
        const { queueSweep } = await import('../../services/queue/sweep.js');
        const summary = await queueSweep(points, {
          url: flags.queue,
          runsDir: flags.runsDir,
          repeat: flags.repeat,
          attempts: flags.attempts,
          signal: cancel.signal,
          onProgress: (p) => {
            const what = p.latest ? ` — ${p.latest.runId} ${p.latest.status}${p.latest.reason ? `: ${p.latest.reason}` : ''}` : '';
            process.stderr.write(`done ${p.done}/${p.total}, running ${p.running}, failed ${p.failed}, cancelled ${p.cancelled}${what}\n`);
          },
        });
        if (flags.json) {
          const runs = summary.outcomes.map((o) => ({
            runId: o.runId,
            point: o.point,
            seed: o.seed,
            status: o.status,
            reason: o.reason ?? null,
            settings: o.result ? { units: o.result.config.model.layers[0]?.units, timeSteps: o.result.config.prep.timeSteps, learningRate: o.result.config.training.learningRate } : null,
            test: o.result?.metrics.test ?? null,
          }));
          process.stdout.write(`${JSON.stringify({ sweepId: summary.sweepId, runs }, null, 2)}\n`);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
