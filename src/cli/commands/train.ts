/**
 * `forecast-workbench train`: with no flags, the Keras SimpleRNN sunspots tutorial on the bundled data.
 * Every hyperparameter of the run configuration has a flag.
 */
import type { Command } from 'commander';
import { InvalidInputError } from '../../contract/run-config.js';
import type { RunEvent } from '../../contract/run-events.js';
import type { MetricSet, RunResult } from '../../contract/run-result.js';
import { assertNewFolderWritable } from '../../engine/bundle/atomic.js';
import { newRunId } from '../../engine/run-id.js';
import { RunRecorder } from '../../engine/runs/recorder.js';
import { RunStore } from '../../engine/runs/store.js';
import { runsDirFrom } from '../../engine/runs/location.js';
import { forecasterLabel } from '../../engine/evaluate/verdict.js';
import { integer } from '../parse-flags.js';
import { addRunFlags, configFromFlags, givenOptions } from '../run-flags.js';

/** train's own flags; the run flags (src/cli/run-flags.ts) set the run configuration. */
interface TrainFlags {
  out?: string;
  json?: boolean;
  quiet?: boolean;
  repeat?: number;
  runsDir?: string;
  parallel?: number;
}

export function registerTrainCommand(program: Command): void {
  addRunFlags(program.command('train').description('Train a recurrent network on a CSV series; with no options, the Keras SimpleRNN sunspots tutorial.'))
    .option('--out <dir>', 'export the trained model bundle to this new folder')
    .option('--json', 'print one JSON object with the results at the end')
    .option('--quiet', 'no progress lines')
    .option('--repeat <n>', 'train the same settings with N seeds (--seed, --seed + 1, …) in parallel processes; report median, min–max and IQR', integer)
    .option('--parallel <n>', 'with --repeat: training processes at once (default: one per core)', integer)
    .option('--runs-dir <dir>', 'the run store every run is kept in (default: FORECAST_WORKBENCH_RUNS_DIR, else the app data folder)')
    .action(async (flags: TrainFlags, command: Command) => {
      const config = configFromFlags(givenOptions(command));
      // Said before training, not after it.
      const bundleDir = flags.out === undefined ? null : await assertNewFolderWritable(flags.out, '--out');
      if (flags.repeat !== undefined && flags.repeat < 1) throw new InvalidInputError(`--repeat takes 1 seed or more, not ${flags.repeat}.`);
      if (flags.repeat !== undefined && flags.repeat > 1) {
        if (flags.out) throw new InvalidInputError('--out exports one model; with --repeat every run is kept in the run store instead (export one with its run id).');
        const print = (line: string) => console.log(line);
        const { printRepeat, repeatJson, runCliSweep } = await import('./sweep.js');
        const { status, records } = await runCliSweep(
          { base: config, repeat: flags.repeat, rankBy: 'test' },
          { runsDir: flags.runsDir, parallel: flags.parallel ?? null, json: !!flags.json, quiet: flags.quiet, print },
        );
        if (flags.json) console.log(JSON.stringify(repeatJson(status, records), null, 2));
        else printRepeat(status, print);
        return;
      }
      const print = flags.json || flags.quiet ? () => {} : (line: string) => console.log(line);
      // Every run lands in the run store: its record as it trains, its bundle (unless --out) and checkpoints there.
      const store = new RunStore(runsDirFrom(flags.runsDir), { origin: 'cli' });
      const recorder = new RunRecorder(store);
      const runId = newRunId();
      await recorder.begin(runId, config);
      let recorded: Promise<void> = Promise.resolve();
      try {
        const { runForecast } = await import('../../engine/run.js');
        const result = await runForecast(config, {
          runId,
          runsDir: store.dir,
          bundleDir,
          onEvent: (event) => {
            printEvent(event, print);
            recorded = recorder.onEvent(event);
          },
        });
        await recorded;
        if (flags.json) console.log(JSON.stringify(jsonSummary(result, flags.out ? result.bundleDir : null), null, 2));
        else printSummary(result, (line) => console.log(line));
      } catch (error) {
        await recorded;
        await store.fail(runId, error instanceof InvalidInputError ? 'invalid-input' : 'internal', (error as Error).message).catch(() => {});
        throw error;
      }
    });
}

function printEvent(event: RunEvent, print: (line: string) => void): void {
  if (event.type === 'started') {
    print(`Backend: ${event.backend} | trainer ${event.trainer ?? 'tfjs'} | seed ${event.seed} | ${event.samples.train} training, ${event.samples.validation} validation, ${event.samples.test} test windows | ${event.parameterCount} parameters`);
  } else if (event.type === 'epoch') {
    const val = event.valLoss === null ? '' : ` - val_loss: ${event.valLoss.toFixed(4)}`;
    print(`Epoch ${event.epoch}/${event.epochs} - loss: ${event.loss.toFixed(4)}${val} - ${event.elapsedSeconds.toFixed(1)}s elapsed`);
  } else if (event.type === 'message') {
    print(`${event.level === 'warning' ? 'Warning' : 'Note'}: ${event.text}`);
  }
}

const fmt = (v: number | null, digits = 3) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));

/** One row of the errors table: original-unit measures, then RMSE in scaled units. */
function metricRow(label: string, m: MetricSet): string {
  const o = m.original;
  const cells = [fmt(o.rmse), fmt(o.mae), fmt(o.mape, 1), fmt(o.smape, 1), fmt(o.mase), fmt(m.rmse, 4), String(m.count)];
  return `  ${label.padEnd(34)}${cells.map((c) => c.padStart(10)).join('')}`;
}

export function printSummary(result: RunResult, print: (line: string) => void): void {
  // The tutorial prints exactly these two lines (scaled units).
  print(`Train RMSE: ${fmt(result.metrics.train.rmse)} RMSE`);
  print(`Test RMSE: ${fmt(result.metrics.test.rmse)} RMSE`);
  print('');
  if (result.targetTransform) print(`Target transformed before scaling: ${describeTransform(result.targetTransform.steps)}; errors, intervals and the forecast are inverted to ${result.dataset.column} units.`);
  print(`${`Errors in ${result.dataset.column} units`.padEnd(36)}${['RMSE', 'MAE', 'MAPE %', 'sMAPE %', 'MASE', 'RMSE sc.', 'n'].map((h) => h.padStart(10)).join('')}`);
  print(metricRow('model, train', result.metrics.train));
  if (result.metrics.validation) print(metricRow('model, validation', result.metrics.validation));
  print(metricRow('model, test', result.metrics.test));
  for (const baseline of result.baselines) print(metricRow(`${forecasterLabel(baseline)}, test`, baseline.test));
  if (result.metrics.testFromOrigin) print(metricRow('model, test from origin', result.metrics.testFromOrigin));
  for (const baseline of result.baselines) if (baseline.fromOrigin) print(metricRow(`${forecasterLabel(baseline)}, from origin`, baseline.fromOrigin));
  for (const fold of result.backtest) print(metricRow(`backtest fold ${fold.fold} (rows ${fold.start}-${fold.end})`, fold.metrics));
  if (result.refitBacktest) printRefitBacktest(result.refitBacktest, result.dataset.column, print);
  if (result.forecast.length) {
    print('');
    print(`Forecast: ${result.forecast.map((p) => `${p.time ?? `+${p.step}`} ${p.value.toFixed(2)}`).join(', ')}`);
  }
  if (result.verdict) {
    print('');
    print(`Verdict: ${result.verdict.text}`);
  }
  print('');
  for (const warning of result.warnings) print(`Note: ${warning}`);
  print(`Trained in ${result.trainSeconds.toFixed(1)} s by the ${result.trainer} trainer on ${result.backend}, seed ${result.seed} (${result.stopReason}; the model keeps epoch ${result.bestEpoch}).`);
  if (result.bundleDir) print(`Model bundle: ${result.bundleDir}`);
}

/** The refit backtest: one row per origin, test RMSE of the retrained network beside each refitted baseline and reference. */
function printRefitBacktest(refit: NonNullable<RunResult['refitBacktest']>, column: string, print: (line: string) => void): void {
  const names = [...new Set(refit.folds.flatMap((f) => f.baselines.map((b) => forecasterLabel(b))))];
  print('');
  print(`Refit backtest: the network retrained (${refit.trainings} trainings) and the references refitted at each origin, ${refit.horizon} step(s) ahead, ${refit.window} window; RMSE in ${column} units`);
  if (refit.stopped) print(`  Stopped by the user after ${refit.folds.length} of ${refit.origins ?? refit.folds.length} origins: only those are shown, not the whole backtest.`);
  print(`  ${'fold (forecast rows)'.padEnd(24)}${['network', ...names].map((h) => h.padStart(Math.max(10, h.length + 2))).join('')}`);
  for (const fold of refit.folds) {
    const cells = [fmt(fold.network.original.rmse), ...names.map((n) => fmt(fold.baselines.find((b) => forecasterLabel(b) === n)?.metrics.original.rmse ?? null))];
    print(`  ${`${fold.fold} (${fold.start}-${fold.end})`.padEnd(24)}${cells.map((c, i) => c.padStart(Math.max(10, ['network', ...names][i].length + 2))).join('')}`);
  }
}

/** "log, then differenced at lag 1, then at lag 12". */
function describeTransform(steps: NonNullable<RunResult['targetTransform']>['steps']): string {
  const parts = steps.map((s, i) =>
    s.kind === 'box-cox' ? (s.lambda === 0 ? 'log' : `Box-Cox (lambda ${s.lambda.toPrecision(3)})`) : `${i > 0 && steps[i - 1].kind === 'difference' ? 'at' : 'differenced at'} lag ${s.lag}`,
  );
  return parts.join(', then ');
}

/** The --json output: the whole run result plus the fields scripts look for by these names (exportDir: the --out folder). */
export function jsonSummary(result: RunResult, exportDir: string | null) {
  return {
    ...result,
    hyperparameters: result.config,
    losses: result.history.map((h) => h.loss),
    exportDir,
  };
}
