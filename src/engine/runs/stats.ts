/**
 * Numbers over several runs: spread (median, min–max, interquartile range), the verdict against the
 * baselines, comparison tables and the spread of predictions. Pure functions over records and results.
 */
import type { Comparison, PredictionSpread, RunRecord, Spread, TestWindow, Verdict } from '../../contract/run-history.js';
import type { RunResult } from '../../contract/run-result.js';

/** Quantile by linear interpolation between closest ranks (numpy's default), of sorted values. */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Spread of the finite values, or null when there are none. */
export function spreadOf(values: Array<number | null | undefined>): Spread | null {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return { median: quantile(sorted, 0.5), min: sorted[0], max: sorted.at(-1)!, q1, q3, iqr: q3 - q1, n: sorted.length };
}

/** The model's test RMSE (original units) against the best baseline's. */
export function verdictFor(modelRmse: number | null | undefined, baselines: Array<{ name: string; test: { original: { rmse: number } } }>, what = 'test RMSE'): Verdict | null {
  if (typeof modelRmse !== 'number' || !Number.isFinite(modelRmse) || baselines.length === 0) return null;
  const best = baselines.reduce((a, b) => (b.test.original.rmse < a.test.original.rmse ? b : a));
  const beats = modelRmse < best.test.original.rmse;
  const ratio = (modelRmse / best.test.original.rmse - 1) * 100;
  const text = beats
    ? `Beats the best baseline (${best.name}): ${what} ${fmt(modelRmse)} vs ${fmt(best.test.original.rmse)}, ${Math.abs(ratio).toFixed(0)}% lower.`
    : `Does not beat the best baseline (${best.name}): ${what} ${fmt(modelRmse)} vs ${fmt(best.test.original.rmse)}.`;
  return { beatsBaselines: beats, bestBaseline: best.name, bestBaselineRmse: best.test.original.rmse, modelRmse, text };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3));

/** Where a result's test predictions lie. */
export function testWindowOf(result: RunResult): TestWindow {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  for (const p of result.predictions) {
    if (p.split !== 'test') continue;
    count++;
    if (p.index < first) first = p.index;
    if (p.index > last) last = p.index;
  }
  return { datasetSha256: result.dataset.sha256, column: result.dataset.column, firstRow: count ? first : -1, lastRow: count ? last : -1, count };
}

function sameWindow(a: TestWindow | null, b: TestWindow | null): boolean {
  return !!a && !!b && a.datasetSha256 === b.datasetSha256 && a.column === b.column && a.firstRow === b.firstRow && a.lastRow === b.lastRow && a.count === b.count;
}

type MeasureGetter = (r: RunRecord) => number | null | undefined;

const MEASURES: Array<[string, MeasureGetter]> = [
  ['test RMSE', (r) => r.metrics?.test.original.rmse],
  ['test MAE', (r) => r.metrics?.test.original.mae],
  ['test MAPE %', (r) => r.metrics?.test.original.mape],
  ['test sMAPE %', (r) => r.metrics?.test.original.smape],
  ['test MASE', (r) => r.metrics?.test.original.mase],
  ['test RMSE (scaled)', (r) => r.metrics?.test.rmse],
  ['validation RMSE', (r) => r.metrics?.validation?.original.rmse],
  ['train RMSE', (r) => r.metrics?.train.original.rmse],
  ['best baseline test RMSE', (r) => (r.baselines.length ? Math.min(...r.baselines.map((b) => b.test.original.rmse)) : null)],
  ['final loss', (r) => r.history.at(-1)?.loss],
  ['final validation loss', (r) => r.history.at(-1)?.valLoss],
  ['train seconds', (r) => r.durationSeconds],
];

/** One metrics table for several runs; ranked by test RMSE only when all were scored on the same test rows. */
export function compareRecords(records: RunRecord[]): Comparison {
  const windows = records.map((r) => r.testWindow);
  const same = records.length > 0 && windows.every((w) => sameWindow(w, windows[0]));
  const rows = MEASURES.map(([measure, get]) => {
    const values = records.map((r) => {
      const v = get(r);
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    let best: number | null = null;
    if (same && measure !== 'train seconds' && measure !== 'best baseline test RMSE') {
      values.forEach((v, i) => {
        if (v !== null && (best === null || v < values[best]!)) best = i;
      });
    }
    return { measure, values, best };
  });
  const unfinished = records.filter((r) => !r.metrics).map((r) => r.runId);
  let note: string;
  let ranking: string[] | null = null;
  if (!same) {
    const datasets = new Set(windows.map((w) => (w ? `${w.datasetSha256}:${w.column}` : 'none')));
    note =
      datasets.size > 1
        ? 'These runs were scored on different data (dataset or column), so their errors are not comparable and they are not ranked.'
        : 'These runs were scored on different test windows (other time steps, windowing or split), so their errors are not comparable and they are not ranked.';
  } else {
    ranking = records
      .filter((r) => r.metrics)
      .sort((a, b) => a.metrics!.test.original.rmse - b.metrics!.test.original.rmse)
      .map((r) => r.runId);
    note = `All runs were scored on the same ${windows[0]!.count} test values; ranked by test RMSE.`;
  }
  if (unfinished.length) note += ` No metrics for ${unfinished.join(', ')} (not finished).`;
  return { runIds: records.map((r) => r.runId), sameTestWindow: same, note, rows, ranking };
}

/** Per test row, the actual value and the median, min and max of the runs' one-step predictions. */
export function predictionSpread(results: RunResult[]): PredictionSpread {
  const byRow = new Map<number, { time: string | null; actual: number; values: number[] }>();
  for (const result of results) {
    for (const p of result.predictions) {
      if (p.split !== 'test' || p.step !== 1) continue;
      const row = byRow.get(p.index) ?? { time: p.time, actual: p.actual, values: [] };
      row.values.push(p.predicted);
      byRow.set(p.index, row);
    }
  }
  return [...byRow.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, row]) => {
      const s = spreadOf(row.values)!;
      return { index, time: row.time, actual: row.actual, median: s.median, min: s.min, max: s.max };
    });
}
