/**
 * `forecast-workbench sweep --grid units=2,3,8 --grid time-steps=6,12 [--random N] [--repeat N] [--parallel P] [--yes] [--json]`
 * and the seed repeats of `train --repeat N`: runs in parallel training processes (SweepService over the
 * fork launcher), every run stored in the run store, points ranked with the best one printed last.
 * The base settings are train's flags.
 */
import { Command, Option } from 'commander';
import { InvalidInputError, type RunConfig } from '../../contract/run-config.js';
import { SWEEP_PARAMETERS, SweepRequestSchema, type RunRecord, type Spread, type SweepParameter, type SweepPoint, type SweepRequestInput, type SweepStatus } from '../../contract/run-history.js';
import { RunStore } from '../../engine/runs/store.js';
import { runsDirFrom } from '../../engine/runs/location.js';
import { integer } from '../parse-flags.js';
import { addRunFlags, configFromFlags, givenOptions } from '../run-flags.js';

/** Parse one `--grid name=v1,v2,…` flag into the grid so far. */
function gridFlag(text: string, grid: Record<string, Array<string | number>> = {}): Record<string, Array<string | number>> {
  const eq = text.indexOf('=');
  const name = (eq > 0 ? text.slice(0, eq) : text).trim();
  if (!SWEEP_PARAMETERS.includes(name as SweepParameter)) {
    throw new InvalidInputError(`--grid "${text}": the setting must be one of ${SWEEP_PARAMETERS.join(', ')}.`);
  }
  const values = (eq > 0 ? text.slice(eq + 1) : '').split(',').map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) throw new InvalidInputError(`--grid "${text}": give the values after "=", comma-separated (e.g. ${name}=2,4).`);
  const typed = values.map((v) => (name === 'cell' || name === 'windowing' ? v : Number.isFinite(Number(v)) ? Number(v) : v));
  return { ...grid, [name]: [...(grid[name] ?? []), ...typed] };
}

const fmt = (v: number | null | undefined, digits = 4) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');
const spreadText = (s: Spread | null | undefined) => (s ? `${fmt(s.median)}  (${fmt(s.min)}–${fmt(s.max)}, IQR ${fmt(s.iqr)})` : '—');

export interface CliSweepOptions {
  runsDir?: string;
  parallel?: number | null;
  json: boolean;
  quiet?: boolean;
  print: (line: string) => void;
}

/** Run a sweep (or a seed repeat) to the end from the command line; returns its final status and the runs' records. */
export async function runCliSweep(request: SweepRequestInput, options: CliSweepOptions): Promise<{ status: SweepStatus; records: RunRecord[] }> {
  const store = new RunStore(runsDirFrom(options.runsDir), { origin: 'cli' });
  const [{ forkLauncher }, { SweepService }] = await Promise.all([import('../../services/fork-launcher.js'), import('../../services/sweep-service.js')]);
  const sweeps = new SweepService({ launcher: forkLauncher({ echoStderr: null }), store, log: () => {} });
  const progress = options.json || options.quiet ? () => {} : options.print;
  // Runs that have reported their end (the status counts them once recorded, which may come later).
  let ended = 0;
  const { sweepId, total } = sweeps.start({ ...request, parallel: options.parallel ?? request.parallel ?? null }, {
    onEvent: (event) => {
      if (event.type === 'finished' || event.type === 'failed') {
        const s = sweeps.status(sweepId);
        ended++;
        const eta = s.etaSeconds === null ? '' : `, about ${Math.ceil(s.etaSeconds)} s left`;
        const what = event.type === 'finished' ? `test RMSE ${fmt(event.result.metrics.test.rmse)} (seed ${event.result.seed})` : `failed: ${event.message}`;
        progress(`[${ended}/${s.total}${eta}] ${event.runId}: ${what}`);
      }
    },
  });
  progress(`Sweep ${sweepId}: ${total} run${total === 1 ? '' : 's'} in ${sweeps.status(sweepId).parallel} parallel training processes; runs are stored in ${store.dir}.`);
  const stopOnSignal = () => sweeps.stop(sweepId);
  process.once('SIGINT', stopOnSignal);
  try {
    const status = await sweeps.wait(sweepId);
    const records = await Promise.all(status.ranked.flatMap((p) => p.runIds).map((id) => store.get(id)));
    return { status, records };
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    sweeps.dispose();
  }
}

/** The JSON of a run in a sweep's output: its settings, seed, status and metrics. */
function runJson(record: RunRecord) {
  return {
    runId: record.runId,
    status: record.status,
    seed: record.seed,
    failure: record.failure?.message ?? null,
    sweepPoint: record.sweepPoint,
    hyperparameters: record.config,
    metrics: record.metrics,
    baselines: record.baselines,
    durationSeconds: record.durationSeconds,
  };
}

function pointLine(p: SweepPoint, rank: number): string {
  const settings = Object.entries(p.settings).map(([k, v]) => `${k}=${v}`).join(' ') || '(base settings)';
  const failures = p.failures.length ? `  ${p.failures.length} failed: ${p.failures[0]}` : '';
  return `  ${String(rank).padStart(3)}. ${settings.padEnd(40)} val ${fmt(p.validationLoss)}  test ${spreadText(p.testRmse)}${failures}`;
}

export function sweepJson(status: SweepStatus, records: RunRecord[]) {
  const best = status.ranked[0] && status.bestRunId ? status.ranked[0] : null;
  return {
    sweepId: status.sweepId,
    state: status.state,
    total: status.total,
    done: status.done,
    failed: status.failed,
    seconds: status.elapsedSeconds,
    rankBy: status.rankBy,
    warning: status.warning,
    points: status.ranked,
    runs: records.map(runJson),
    best: best ? { point: best, runId: status.bestRunId, run: runJson(records.find((r) => r.runId === status.bestRunId)!) } : null,
  };
}

export function printSweep(status: SweepStatus, print: (line: string) => void): void {
  print('');
  print(`Ranked by ${status.rankBy === 'validation' ? 'validation RMSE (scaled)' : 'test RMSE (scaled)'}; test RMSE as median (min–max, IQR) over seeds:`);
  status.ranked.forEach((p, i) => print(pointLine(p, i + 1)));
  if (status.warning) print(`Warning: ${status.warning}`);
  print(`${status.done} of ${status.total} runs ended in ${status.elapsedSeconds.toFixed(1)} s (${status.failed} failed)${status.state === 'stopped' ? '; the sweep was stopped' : ''}.`);
  const best = status.ranked[0];
  if (best && status.bestRunId) {
    print(`Best: ${Object.entries(best.settings).map(([k, v]) => `${k}=${v}`).join(' ') || '(base settings)'} — run ${status.bestRunId}${best.verdict ? `. ${best.verdict.text}` : ''}`);
  } else {
    print('No run finished, so there is no best one.');
  }
}

/** `train --repeat N`: the spread of every measure over the seeds, and the verdict on the median. */
export function printRepeat(status: SweepStatus, print: (line: string) => void): void {
  const point = status.ranked[0];
  print('');
  print(`Over ${point?.testRmse?.n ?? 0} seeds (median, min–max, IQR):`);
  for (const [name, spread] of Object.entries(point?.measures ?? {})) print(`  ${name.padEnd(22)} ${spreadText(spread)}`);
  if (point?.failures.length) print(`  ${point.failures.length} run(s) failed: ${point.failures[0]}`);
  if (point?.verdict) print(`Verdict on the median: ${point.verdict.text}`);
}

export function repeatJson(status: SweepStatus, records: RunRecord[]) {
  const point = status.ranked[0];
  return {
    repeat: status.total,
    sweepId: status.sweepId,
    seeds: records.map((r) => r.seed),
    runs: records.map(runJson),
    spread: point?.measures ?? {},
    testRmse: point?.testRmse ?? null,
    trainRmse: point?.trainRmse ?? null,
    verdict: point?.verdict ?? null,
    failed: status.failed,
  };
}

/** The sweep request's defaults, shown in --help (the schema applies them; commander holds none). */
const SWEEP_DEFAULTS = SweepRequestSchema.parse({ base: { data: { path: '-' } } });

/** The sweep request that `sweep`'s flags describe, on this machine or (with --queue) on the queue. */
export function sweepRequestFromFlags(flags: Record<string, unknown>, base: RunConfig, grid: Record<string, Array<string | number>>): SweepRequestInput {
  return {
    base,
    grid,
    random: (flags['random'] as number | undefined) ?? null,
    repeat: flags['repeat'] as number | undefined,
    parallel: (flags['parallel'] as number | undefined) ?? null,
    rankBy: flags['rankBy'] as 'validation' | 'test' | undefined,
    confirmed: Boolean(flags['yes']),
  };
}

export function registerSweepCommand(program: Command): void {
  const command = program
    .command('sweep')
    .description(`Train every combination of the --grid values (or --random N of them), each over --repeat seeds, in parallel processes; every run is stored. Settings: ${SWEEP_PARAMETERS.join(', ')}. Other flags as for train set the base settings.`)
    .option('--grid <name=values>', 'a setting and its values, e.g. units=2,3,8; repeat for more settings', gridFlag)
    .option('--random <n>', 'train this many points drawn at random from the grid', integer)
    .option('--repeat <n>', `train each point with this many seeds (default: ${SWEEP_DEFAULTS.repeat})`, integer)
    .option('--parallel <n>', 'training processes at once (default: one per core); not with --queue, where each worker\'s --concurrency says how many it trains at once', integer)
    .addOption(new Option('--rank-by <what>', `rank by validation loss (needs --validation) or test RMSE (default: ${JSON.stringify(SWEEP_DEFAULTS.rankBy)})`).choices(SweepRequestSchema.shape.rankBy.unwrap().options))
    .option('--yes', 'start a sweep above the confirmation limit without asking')
    .option('--runs-dir <dir>', 'the run store (default: FORECAST_WORKBENCH_RUNS_DIR, else the app data folder)')
    .option('--json', 'print one JSON object: every run\'s settings and metrics, the ranked points and the best one')
    .option('--queue <url>', 'send the points to a Redis queue (BullMQ) for `worker` processes instead: redis://[user:password@]HOST:PORT, or rediss:// for TLS; results arrive in --runs-dir as they finish (see DEPLOY.md)')
    .option('--attempts <n>', 'with --queue: tries per job for errors other than bad data', integer, 3);
  addRunFlags(command);
  command.action(async (flags: Record<string, unknown>) => {
    const base: RunConfig = configFromFlags(givenOptions(command));
    const grid = (flags['grid'] as Record<string, Array<string | number>> | undefined) ?? {};
    const print = (line: string) => console.log(line);
    if (flags['queue'] !== undefined) {
      const { runQueueSweepFromCli } = await import('./queue-sweep.js');
      return runQueueSweepFromCli(flags, base, grid);
    }
    const { status, records } = await runCliSweep(sweepRequestFromFlags(flags, base, grid), { runsDir: flags['runsDir'] as string | undefined, json: Boolean(flags['json']), print });
    if (flags['json']) console.log(JSON.stringify(sweepJson(status, records), null, 2));
    else printSweep(status, print);
  });
}
