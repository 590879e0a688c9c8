/**
 * `forecast-workbench predict BUNDLE --csv FILE`: apply a saved model bundle to a CSV with the same
 * columns: predictions for every window (with errors against the actual values) and a forecast beyond
 * the end. `--json` prints one JSON object; `--out FILE.csv` also writes the rows to a new CSV.
 */
import type { Command } from 'commander';
import type { BundlePrediction } from '../../contract/bundles.js';
import { writeFileAtomically } from '../../engine/bundle/atomic.js';
import { bandCells, bandHeader, toCsv } from '../../engine/bundle/csv.js';
import { integer } from '../parse-flags.js';
import { InvalidInputError } from '../../contract/invalid-input.js';

interface PredictOptions {
  csv: string;
  steps?: number;
  json?: boolean;
  out?: string;
  map: string[];
}

export function registerPredictCommand(program: Command, write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return program
    .command('predict')
    .description('Apply a saved model bundle to a CSV: predictions for every window, errors against the actual values, and a forecast beyond the end')
    .argument('<bundle>', 'bundle folder (written by `train --out DIR` or exported from the app)')
    .requiredOption('--csv <file>', 'CSV holding the columns the model was trained on (target, input columns)')
    .option('--steps <n>', "steps to forecast beyond the end of the data (default: the bundle's own forecast steps)", integer)
    .option('--json', 'print one JSON object (the predictions, metrics and forecast)')
    .option('--out <file.csv>', 'also write kind,index,time,step,actual,predicted rows to this new CSV file')
    .option('--map <expected=own>', "use the file's column OWN for the model's column EXPECTED, e.g. --map Passengers=Total (repeatable)", (value: string, all: string[]) => [...all, value], [])
    .action(async (bundle: string, options: PredictOptions) => {
      const columns = parseColumnMap(options.map);
      const { predictWithBundle } = await import('../../engine/bundle/index.js');
      const prediction = await predictWithBundle(bundle, options.csv, { steps: options.steps, columns });
      const out = options.out ? await writePredictionCsv(options.out, prediction) : null;
      write(options.json ? `${JSON.stringify({ ...prediction, out })}\n` : formatPrediction(prediction, out));
    });
}

/** `--map Passengers=Total --map Temp=T2` → { Passengers: 'Total', Temp: 'T2' }. */
function parseColumnMap(pairs: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const expected = pair.slice(0, at).trim();
    const own = pair.slice(at + 1).trim();
    if (at < 0 || !expected || !own) throw new InvalidInputError(`--map takes EXPECTED=OWN (the model's column, then the file's), e.g. --map Passengers=Total; got "${pair}".`);
    if (expected in map) throw new InvalidInputError(`--map names the model's column "${expected}" twice.`);
    map[expected] = own;
  }
  return map;
}

/**
 * The rows of a prediction as CSV text: the predicted windows, then the forecast (actual left empty), with the
 * bundle's interval bounds lower_L,upper_L per level (per step ahead; per forecast step for the forecast).
 */
export function predictionCsv(prediction: BundlePrediction): string {
  const last = prediction.dataset.rows - 1;
  const test = prediction.intervals?.test ?? [];
  const ahead = test.map((band) => ({ level: band.level, halfWidth: prediction.intervals?.forecast.find((f) => f.level === band.level)?.halfWidth ?? [] }));
  return toCsv(['kind', 'index', 'time', 'step', 'actual', 'predicted', ...bandHeader(test)], [
    ...prediction.predictions.map((r) => ['prediction', r.index, r.time, r.step, r.actual, r.predicted, ...bandCells(test, r.predicted, r.step - 1)]),
    ...prediction.forecast.map((f) => ['forecast', last + f.step, f.time, f.step, null, f.value, ...bandCells(ahead, f.value, f.step - 1)]),
  ]);
}

/** Write the CSV atomically (temporary sibling, then rename); an existing file is refused. */
function writePredictionCsv(path: string, prediction: BundlePrediction): Promise<string> {
  return writeFileAtomically(path, predictionCsv(prediction));
}

const num = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(4));

export function formatPrediction(p: BundlePrediction, out: string | null = null): string {
  const w = p.windowing;
  const lines = [
    `Bundle: ${p.bundleDir}`,
    `  target "${w.features[0]}"${w.features.length > 1 ? `, inputs ${w.features.slice(1).map((c) => `"${c}"`).join(', ')}` : ''}; ` +
      `${w.timeSteps} time steps (${w.windowing} windows), ${w.horizon} value(s) per window`,
    `Data: ${p.dataset.name}, ${p.dataset.rows} rows` +
      (p.dataset.missingHandled ? ` (${p.dataset.missingHandled} with missing values handled)` : '') +
      (p.sameDataAsTraining ? ' — the same file the model was trained on' : ''),
    `Predicted ${p.windows} window(s), ${p.predictions.length} value(s).`,
  ];
  if (p.metrics) {
    lines.push(
      `RMSE: ${num(p.metrics.rmse)} scaled (saved scaler), ${num(p.metrics.original.rmse)} in original units; ` +
        `MAE ${num(p.metrics.original.mae)}` +
        (p.metrics.original.mape !== null ? `, MAPE ${p.metrics.original.mape.toFixed(2)}%` : ''),
    );
  }
  const bands = p.intervals?.forecast ?? [];
  if (p.intervals?.test.length) {
    const covered = p.intervals.test.map((b) => `${+(b.level * 100).toFixed(1)} %: ${b.coverage === null ? '—' : `${+(b.coverage * 100).toFixed(1)} %`} of actuals inside`);
    lines.push(`Prediction intervals (the bundle's split-conformal bands): ${covered.join('; ')}.`);
  }
  if (p.forecast.length) {
    lines.push(`Forecast, ${p.forecast.length} step(s) after the last row:`);
    if (bands.length) lines.push(`  (beside each value: its ${bands.map((b) => `${+(b.level * 100).toFixed(1)} %`).join(' and ')} interval)`);
    for (const f of p.forecast) {
      const ranges = bands.map((b) => {
        const q = b.halfWidth[f.step - 1];
        return q === null || q === undefined ? '[unbounded]' : `[${num(f.value - q)}, ${num(f.value + q)}]`;
      });
      lines.push(`  ${String(f.step).padStart(4)}  ${(f.time ?? '').padEnd(12)} ${num(f.value)}${ranges.length ? `  ${ranges.join(' ')}` : ''}`);
    }
  } else {
    lines.push('No forecast.');
  }
  for (const warning of p.warnings) lines.push(`Warning: ${warning}`);
  if (out) lines.push(`Wrote ${out}`);
  return lines.join('\n') + '\n';
}
