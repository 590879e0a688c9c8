/**
 * What of a finished run crosses to a page. A long run's predictions (43,800 windows of pollution.csv, say)
 * would make the page parse, validate and draw every row, a long task of about a second; so the host thins
 * them as it thins the series previews (LTTB, engine/data/downsample.ts): the one-step rows of each split
 * keep the points LTTB picks for the actual values, the predictions and the residuals (spikes of each
 * survive), the references' test forecasts follow the kept test rows, the whole actual series is thinned
 * to 5,000 points, and the residual histogram is counted here over every row. The full result stays with the
 * supervisor, in the run's bundle and its predictions CSV.
 */
import { histogram } from '../contract/histogram.js';
import type { RunEvent } from '../contract/run-events.js';
import type { PredictionRow, RunResult } from '../contract/run-result.js';
import { lttbIndices } from '../engine/data/downsample.js';

/** One-step predictions a page gets at most (before the union of the three LTTB picks): about one per pixel of a wide chart. */
export const PAGE_PLOT_POINTS = 2000;
/** Points of the whole actual series a page gets at most, drawn beneath the predictions. */
export const PAGE_SERIES_POINTS = 5000;
/** Bins of the residual histogram (the renderer's histogram chart uses the same). */
export const RESIDUAL_BINS = 24;

/** Rows kept (positions in `rows`) of one split's one-step rows: the union of LTTB on actual, predicted and residual. */
function keptRows(rows: readonly PredictionRow[], budget: number): number[] {
  if (rows.length <= budget) return rows.map((_, i) => i);
  const kept = new Set<number>();
  const series = [rows.map((r) => r.actual), rows.map((r) => r.predicted), rows.map((r) => r.actual - r.predicted)];
  for (const values of series) for (const i of lttbIndices(values, budget)) kept.add(i);
  return [...kept].sort((a, b) => a - b);
}

/**
 * The result as a page gets it: unchanged when small; else thinned, with `thinned` saying what was left out.
 * The whole actual series is thinned beyond `seriesPoints`.
 */
export function resultForPage(result: RunResult, maxPoints = PAGE_PLOT_POINTS, seriesPoints = PAGE_SERIES_POINTS): RunResult {
  const stepOne = result.predictions.filter((p) => p.step === 1);
  const actual = result.actualSeries;
  const thinActual = !!actual && actual.values.length > seriesPoints;
  if (stepOne.length <= maxPoints && !thinActual) return result;

  // Positions of the test rows among all test rows (every step): the references' forecasts are aligned with them.
  const testPosition = new Map<PredictionRow, number>();
  result.predictions.filter((p) => p.split === 'test').forEach((p, k) => testPosition.set(p, k));
  const predictions: PredictionRow[] = [];
  const keptTest: number[] = [];
  for (const split of ['train', 'validation', 'test'] as const) {
    const rows = stepOne.filter((p) => p.split === split);
    if (rows.length === 0) continue;
    const budget = Math.max(3, Math.round((maxPoints * rows.length) / stepOne.length));
    for (const i of keptRows(rows, budget)) {
      predictions.push(rows[i]);
      if (split === 'test') keptTest.push(testPosition.get(rows[i])!);
    }
  }
  const residuals = (split: PredictionRow['split']) => stepOne.filter((p) => p.split === split).map((p) => p.actual - p.predicted);
  const { edges, counts } = histogram([residuals('train'), residuals('test')], RESIDUAL_BINS);
  return {
    ...result,
    predictions,
    baselines: result.baselines.map((b) => (b.testPredicted ? { ...b, testPredicted: keptTest.map((k) => b.testPredicted![k]) } : b)),
    actualSeries: actual && thinActual ? thinSeries(actual, seriesPoints) : actual,
    thinned: { predictionRows: result.predictions.length, residualHistogram: { edges, train: counts[0], test: counts[1] } },
  };
}

function thinSeries(series: NonNullable<RunResult['actualSeries']>, maxPoints: number): NonNullable<RunResult['actualSeries']> {
  const rowOf = (i: number) => series.index?.[i] ?? i;
  const kept = Array.from(lttbIndices(series.values, maxPoints));
  const time = series.time;
  return {
    ...series,
    values: kept.map((i) => series.values[i]),
    time: time ? kept.map((i) => time[i]) : null,
    index: kept.map(rowOf),
  };
}

/** A run event as a page gets it: a finished run's result thinned (once per result, however many pages listen). */
export function pageEvents(): (event: RunEvent) => RunEvent {
  const thinned = new WeakMap<RunResult, RunResult>();
  return (event) => {
    if (event.type !== 'finished') return event;
    let result = thinned.get(event.result);
    if (!result) {
      result = resultForPage(event.result);
      thinned.set(event.result, result);
    }
    return result === event.result ? event : { ...event, result };
  };
}
