/**
 * `forecast-workbench runs list|show ID|compare ID…|delete ID|update ID|limits|recover ID` (`--json` for each):
 * the run store the desktop app, browser mode and `train`/`sweep` write. Damaged run files are reported on
 * stderr and skipped.
 */
import { Command } from 'commander';
import { InvalidInputError } from '../../contract/run-config.js';
import type { RunSummary } from '../../contract/run-history.js';
import { compareRecords } from '../../engine/runs/stats.js';
import { RunStore } from '../../engine/runs/store.js';
import { runsDirFrom } from '../../engine/runs/location.js';
import { formatBytes } from '../../services/dataset-service.js';
import { integer } from '../parse-flags.js';

interface StoreFlags {
  runsDir?: string;
  json?: boolean;
}

const RUNS_DIR_HELP = 'the run store (default: FORECAST_WORKBENCH_RUNS_DIR, else the app data folder)';

function storeOf(flags: StoreFlags): RunStore {
  return new RunStore(runsDirFrom(flags.runsDir), { origin: 'cli' });
}

const out = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const fmt = (v: number | null | undefined, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

function settingsOf(r: RunSummary): string {
  const s = r.settings;
  return `${r.model} ts ${s.timeSteps} ${s.windowing} lr ${s.learningRate} b ${s.batchSize} ep ${s.epochs}`;
}

function listLine(r: RunSummary): string {
  const verdict = r.verdict ? (r.verdict.beatsBaselines ? 'beats' : 'no') : '—';
  const status = r.status === 'interrupted' && r.recoverable ? 'interrupted (recoverable)' : r.status;
  const cells = [
    r.runId.padEnd(29),
    r.startedAt.slice(0, 16).replace('T', ' '),
    r.dataset.name.slice(0, 16).padEnd(16),
    settingsOf(r).padEnd(44),
    fmt(r.testRmse).padStart(9),
    fmt(r.verdict?.bestBaselineRmse).padStart(9),
    verdict.padEnd(5),
    `${fmt(r.durationSeconds, 1)} s`.padStart(8),
    status.padEnd(10),
    (r.pinned ? '📌 ' : '') + r.tags.join(','),
  ];
  return cells.join('  ');
}

function reportProblems(problems: string[]): void {
  for (const problem of problems) process.stderr.write(`forecast-workbench: ${problem}\n`);
}

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('List, show, compare, tag and delete the stored runs (every train, sweep and app run is stored).');

  runs
    .command('list')
    .description('every stored run, newest first, with its test RMSE beside the best baseline')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print one JSON object: runs, problems, diskBytes, limits')
    .action(async (flags: StoreFlags) => {
      const listing = await storeOf(flags).list();
      reportProblems(listing.problems);
      if (flags.json) return out(listing);
      if (listing.runs.length === 0) console.log(`No runs stored in ${listing.runsDir}.`);
      else {
        console.log(['run'.padEnd(29), 'started (UTC)'.padEnd(16), 'dataset'.padEnd(16), 'settings'.padEnd(44), 'test RMSE', ' baseline', 'beats', 'duration', 'status'.padEnd(10), 'tags'].join('  '));
        for (const r of listing.runs) console.log(listLine(r));
      }
      const limits = [listing.limits.maxRuns !== null ? `at most ${listing.limits.maxRuns} runs` : '', listing.limits.maxBytes !== null ? `at most ${formatBytes(listing.limits.maxBytes)}` : ''].filter(Boolean);
      console.log(`${listing.runs.length} runs, ${formatBytes(listing.diskBytes)} in ${listing.runsDir}${limits.length ? ` (limit: ${limits.join(', ')})` : ''}.`);
    });

  runs
    .command('show <id>')
    .description('one run: settings, status, losses, metrics, baselines (and with --json its whole result)')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print one JSON object: record and result')
    .action(async (id: string, flags: StoreFlags) => {
      const store = storeOf(flags);
      const record = await store.get(id);
      const { result, problem } = await store.result(id);
      if (flags.json) return out({ record, result, verdict: store.summaryOf(record).verdict });
      const summary = store.summaryOf(record);
      console.log(`${record.runId}: ${record.name}`);
      console.log(`  status ${record.status}${record.failure ? ` — ${record.failure.message}` : ''}${summary.recoverable ? ' (recoverable: forecast-workbench runs recover ' + record.runId + ')' : ''}`);
      console.log(`  dataset ${record.dataset.name} (${record.dataset.column ?? 'second column'}), sha256 ${record.dataset.sha256?.slice(0, 12) ?? '—'}`);
      console.log(`  settings ${settingsOf(summary)}; seed ${record.seed ?? '—'}; ${record.trainer} on ${record.backend ?? '—'}; ${record.origin}`);
      console.log(`  started ${record.startedAt}, ${fmt(record.durationSeconds, 1)} s; ${record.history.length}/${record.epochsPlanned} epochs, final loss ${fmt(record.history.at(-1)?.loss, 5)}`);
      if (record.metrics) {
        console.log(`  test RMSE ${fmt(record.metrics.test.original.rmse)} (scaled ${fmt(record.metrics.test.rmse, 4)}), train RMSE ${fmt(record.metrics.train.original.rmse)}`);
        for (const b of record.baselines) console.log(`  ${b.name} baseline test RMSE ${fmt(b.test.original.rmse)}`);
      }
      if (summary.verdict) console.log(`  ${summary.verdict.text}`);
      if (record.bundleDir) console.log(`  bundle ${record.bundleDir}`);
      if (problem && record.metrics) console.log(`  ${problem}`);
    });

  runs
    .command('compare <ids...>')
    .description('one metrics table for 2–8 runs; ranked only when they were scored on the same test window')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print one JSON object: comparison and the runs\' records')
    .action(async (ids: string[], flags: StoreFlags) => {
      if (ids.length < 2 || ids.length > 8) throw new InvalidInputError(`Compare 2 to 8 runs, not ${ids.length}.`);
      const store = storeOf(flags);
      const records = await Promise.all(ids.map((id) => store.get(id)));
      const comparison = compareRecords(records);
      if (flags.json) return out({ comparison, records });
      console.log(['measure'.padEnd(26), ...ids.map((id) => id.slice(-12).padStart(13))].join(''));
      for (const row of comparison.rows) {
        console.log([row.measure.padEnd(26), ...row.values.map((v, i) => `${fmt(v, 4)}${row.best === i ? '*' : ' '}`.padStart(13))].join(''));
      }
      console.log(comparison.note);
      if (comparison.ranking) console.log(`Ranking: ${comparison.ranking.join(' < ')}`);
    });

  runs
    .command('delete <id>')
    .description('delete a run: its record, result, checkpoint and (stored) bundle')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print {"deleted": true}')
    .action(async (id: string, flags: StoreFlags) => {
      const deleted = await storeOf(flags).delete(id);
      if (flags.json) out({ deleted });
      else console.log(`Deleted run ${id}.`);
    });

  runs
    .command('update <id>')
    .description('rename, tag or pin a run (pinned runs are never pruned)')
    .option('--name <text>', 'a new name')
    .option('--tag <tag>', 'set the tags (repeat for several; --tag "" clears them)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--pin', 'pin the run')
    .option('--unpin', 'unpin the run')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print the updated record')
    .action(async (id: string, flags: StoreFlags & { name?: string; tag?: string[]; pin?: boolean; unpin?: boolean }) => {
      if (flags.pin && flags.unpin) throw new InvalidInputError('Give --pin or --unpin, not both.');
      const record = await storeOf(flags).update(id, { name: flags.name, tags: flags.tag, pinned: flags.pin ? true : flags.unpin ? false : undefined });
      if (flags.json) out(record);
      else console.log(`${record.runId}: ${record.name}${record.pinned ? ' (pinned)' : ''}${record.tags.length ? ` [${record.tags.join(', ')}]` : ''}`);
    });

  runs
    .command('limits')
    .description('keep at most N runs or M megabytes (oldest unpinned runs are pruned); without flags, show the limits')
    .option('--max-runs <n>', 'most runs to keep (0 = no limit)', integer)
    .option('--max-megabytes <n>', 'most megabytes of runs to keep (0 = no limit)', integer)
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print the limits and the pruned runs')
    .action(async (flags: StoreFlags & { maxRuns?: number; maxMegabytes?: number }) => {
      const store = storeOf(flags);
      const current = await store.limits();
      let pruned: string[] = [];
      if (flags.maxRuns !== undefined || flags.maxMegabytes !== undefined) {
        if ((flags.maxRuns ?? 0) < 0 || (flags.maxMegabytes ?? 0) < 0) throw new InvalidInputError('Limits are 0 (none) or more.');
        pruned = await store.setLimits({
          maxRuns: flags.maxRuns === undefined ? current.maxRuns : flags.maxRuns || null,
          maxBytes: flags.maxMegabytes === undefined ? current.maxBytes : flags.maxMegabytes ? flags.maxMegabytes * 1024 * 1024 : null,
        });
      }
      const limits = await store.limits();
      if (flags.json) return out({ limits, pruned });
      console.log(`Limits: ${limits.maxRuns ?? 'no'} run limit, ${limits.maxBytes === null ? 'no size limit' : formatBytes(limits.maxBytes)}.${pruned.length ? ` Pruned ${pruned.length} runs: ${pruned.join(', ')}.` : ''}`);
    });

  runs
    .command('recover <id>')
    .description('finish an interrupted run from its checkpoint (its model as of the last checkpointed epoch)')
    .option('--runs-dir <dir>', RUNS_DIR_HELP)
    .option('--json', 'print the recovered record')
    .action(async (id: string, flags: StoreFlags) => {
      const store = storeOf(flags);
      const summary = store.summaryOf(await store.get(id));
      if (summary.status !== 'interrupted' && !summary.recoverable) throw new InvalidInputError(`Run ${id} is ${summary.status}, not interrupted: there is nothing to recover.`);
      if (!summary.recoverable) throw new InvalidInputError(`Run ${id} left no checkpoint (it was interrupted before its first epoch ended), so it cannot be recovered.`);
      const { recoverRun } = await import('../../engine/run.js');
      const result = await recoverRun(id, store.dir);
      const record = await store.finish(id, result);
      if (flags.json) out(record);
      else console.log(`Recovered run ${id}: ${result.warnings.at(-1) ?? ''} Test RMSE ${fmt(result.metrics.test.original.rmse)}.`);
    });
}
