/**
 * The `--queue redis://…` part of `forecast-workbench sweep`: the same plan (--grid, --random, --repeat,
 * --rank-by, --yes) sent to a Redis queue (BullMQ) as one flow; `worker` processes anywhere train the
 * points, and each result is recorded in the local run store (--runs-dir) as it arrives. Progress
 * (done / running / failed / cancelled of total) goes to stdout as it changes, one line each, or with
 * --json one JSON object per line ({"progress": …}) and last {"sweep": …}. Ctrl+C cancels the sweep.
 * The queue URL is only ever printed without its password.
 */
import type { QueueSweepStatus, QueueRunOutcome } from '../../contract/queue-sweeps.js';
import type { RunConfig } from '../../contract/run-config.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { RunStore } from '../../engine/runs/store.js';
import { runsDirFrom } from '../../engine/runs/location.js';
import { printSweep, sweepJson, sweepRequestFromFlags } from './sweep.js';

const counts = (s: QueueSweepStatus) => ({ total: s.total, done: s.done, running: s.running, failed: s.failed, cancelled: s.cancelled });

function progressLine(s: QueueSweepStatus, latest: QueueRunOutcome | null): string {
  const head = `[${s.done}/${s.total} done, ${s.running} running, ${s.failed} failed${s.cancelled ? `, ${s.cancelled} cancelled` : ''}]`;
  if (!latest) return head;
  const what = latest.status === 'finished' ? 'finished' : `${latest.status}: ${latest.reason ?? 'no reason given'}`;
  return `${head} ${latest.runId} (seed ${latest.seed}): ${what}`;
}

/** Send the sweep the `sweep` flags describe to the queue and follow it to the end. */
export async function runQueueSweepFromCli(flags: Record<string, unknown>, base: RunConfig, grid: Record<string, Array<string | number>>): Promise<void> {
  const json = Boolean(flags['json']);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const store = new RunStore(runsDirFrom(flags['runsDir'] as string | undefined), { origin: 'cli' });
  const { QueueSweepService } = await import('../../services/queue/queue-sweep-service.js');
  const sweeps = new QueueSweepService({ store, log: (text) => process.stderr.write(`${text}\n`) });
  const onProgress = (status: QueueSweepStatus, latest: QueueRunOutcome | null) =>
    out(json ? JSON.stringify({ progress: { ...counts(status), latest } }) : progressLine(status, latest));
  const { sweepId, total } = await sweeps.start(
    { ...sweepRequestFromFlags(flags, base, grid), queueUrl: String(flags['queue']), attempts: flags['attempts'] as number },
    { onProgress },
  );
  const queue = sweeps.status(sweepId).queue;
  if (!json) out(`Sweep ${sweepId}: ${total} run${total === 1 ? '' : 's'} sent to the queue ${queue}; results are stored in ${store.dir} as they arrive. Ctrl+C cancels.`);
  const cancel = () => sweeps.cancel(sweepId, 'cancelled from the command line (Ctrl+C)');
  process.once('SIGINT', cancel);
  let status: QueueSweepStatus;
  try {
    status = await sweeps.wait(sweepId);
  } finally {
    process.removeListener('SIGINT', cancel);
  }
  const records = await Promise.all(status.ranked.flatMap((p) => p.runIds).map((id) => store.get(id)));
  if (json) {
    out(JSON.stringify({ sweep: { ...sweepJson(status, records), queue, running: status.running, cancelled: status.cancelled, ended: status.ended, problem: status.problem } }));
  } else {
    printSweep(status, out);
    for (const o of status.ended.filter((e) => e.status !== 'finished')) out(`  ${o.runId} ${o.status}: ${o.reason ?? 'no reason given'}`);
    if (status.cancelled) out(`${status.cancelled} run${status.cancelled === 1 ? ' was' : 's were'} cancelled.`);
  }
  if (status.problem) throw new InvalidInputError(status.problem);
}
