/**
 * ECharts option builders: pure functions from contract data to chart options, so they are easy to test.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { SeriesPreview } from '../../../contract/datasets';
import type { EpochRecord, ForecastPoint, PredictionIntervals, PredictionRow, RunResult } from '../../../contract/run-result';
import { fmt, histogram } from '../lib/format';
import { baseTextStyle, COLORS } from './setup';

const grid = { left: 56, right: 20, top: 34, bottom: 64, containLabel: false };
const zoom = [
  { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
  { type: 'slider', xAxisIndex: 0, height: 18, bottom: 8, filterMode: 'none' },
];
const legend = { top: 0, left: 'center', itemWidth: 18, itemHeight: 8, textStyle: { fontSize: 12 } };
const numberLabel = (v: number) => fmt(v, 3);

/**
 * The input series as loaded, fluid at a million rows. A long series arrives thinned by the host (LTTB, at
 * most ~20,000 points with the row number of each in `index`); the points go to ECharts as one flat typed
 * array of (row, value) pairs (no per-point objects, names or category labels to build), without symbols,
 * and ECharts' own LTTB keeps about one point per pixel of whatever range is zoomed in. The x axis counts
 * rows (0 … rows − 1) and is labelled with the time of the nearest plotted row.
 */
export function seriesOption(series: SeriesPreview): EChartsCoreOption {
  const n = series.values.length;
  const index = series.index;
  const points = new Float64Array(2 * n);
  series.values.forEach((value, i) => {
    points[2 * i] = index ? index[i] : i;
    points[2 * i + 1] = value;
  });
  const rows = Math.max(series.rows, n);
  const time = series.time;
  const label = index
    ? nearestTimeLabel(index.map((row, i) => ({ index: row, time: time?.[i] ?? null })))
    : (v: number) => time?.[Math.round(v)] ?? String(Math.round(v));
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid: { ...grid, top: 30 },
    tooltip: { trigger: 'axis', valueFormatter: numberLabel },
    xAxis: {
      type: 'value',
      min: 0,
      max: Math.max(1, rows - 1),
      name: time ? '' : 'row',
      axisLabel: { formatter: label, hideOverlap: true },
      axisPointer: { label: { formatter: (p: { value: number }) => label(p.value) } },
    },
    yAxis: { type: 'value', scale: true, name: series.column, nameTextStyle: { align: 'left' } },
    dataZoom: zoom,
    series: [
      {
        name: series.column,
        type: 'line',
        data: points,
        dimensions: ['row', series.column],
        showSymbol: false,
        sampling: 'lttb',
        lineStyle: { width: 1.2, color: COLORS.actual },
        itemStyle: { color: COLORS.actual },
      },
    ],
  };
}

/** Loss per epoch (training and validation) plus a finer batch-level line while epochs are long. */
/** How the loss chart is drawn: TensorBoard's choices. */
export interface LossView {
  /** Log-scale loss axis. */
  logScale: boolean;
  /** Exponential-moving-average weight in [0, 1): 0 = raw points only; the raw curve stays faint behind. */
  smoothing: number;
  /** The epoch whose weights the model keeps, marked when it is not the last one (early stopping, Stop). */
  bestEpoch: number | null;
}

/** TensorBoard's smoothing: an exponential moving average, debiased so the first points are not pulled to 0. */
export function smoothLosses(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let count = 0;
  return values.map((v) => {
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - weight ** count);
  });
}

/** Height of one line of the legend (its 12 px text and the gap between lines), in pixels. */
const LEGEND_LINE = 22;

/**
 * Lines the loss chart's legend takes in the narrowest card (about 440 px at a 1024 px window): up to three
 * curves fit on one line; the fourth (validation loss, smoothed) wraps.
 */
export function lossLegendLines(curves: number): number {
  return curves > 3 ? 2 : 1;
}

export function lossOption(epochs: EpochRecord[], view: LossView): EChartsCoreOption {
  const smoothing = Math.min(Math.max(view.smoothing, 0), 0.99);
  const curves: Array<{ name: string; color: string; points: Array<[number, number]> }> = [
    { name: 'Training loss', color: COLORS.loss, points: epochs.map((e) => [e.epoch, e.loss]) },
  ];
  if (epochs.some((e) => e.valLoss !== null)) {
    curves.push({ name: 'Validation loss', color: COLORS.valLoss, points: epochs.filter((e) => e.valLoss !== null).map((e) => [e.epoch, e.valLoss!]) });
  }
  const series: object[] = [];
  for (const c of curves) {
    series.push({
      name: c.name,
      type: 'line',
      data: c.points,
      showSymbol: c.points.length <= 60,
      symbolSize: 4,
      lineStyle: { width: smoothing > 0 ? 1 : 2, color: c.color, opacity: smoothing > 0 ? 0.35 : 1 },
      itemStyle: { color: c.color, opacity: smoothing > 0 ? 0.35 : 1 },
      z: 2,
    });
    if (smoothing > 0) {
      const smoothed = smoothLosses(c.points.map((p) => p[1]), smoothing);
      series.push({
        name: `${c.name} (smoothed)`,
        type: 'line',
        data: c.points.map((p, i) => [p[0], smoothed[i]]),
        showSymbol: false,
        lineStyle: { width: 2, color: c.color },
        itemStyle: { color: c.color },
        z: 3,
      });
    }
  }
  const last = epochs[epochs.length - 1]?.epoch ?? 1;
  if (view.bestEpoch && view.bestEpoch !== last && series.length > 0) {
    (series[0] as Record<string, unknown>).markLine = {
      symbol: 'none',
      silent: true,
      lineStyle: { type: 'dashed', color: COLORS.split },
      label: { formatter: `kept: epoch ${view.bestEpoch}`, position: 'insideEndTop' },
      data: [{ xAxis: view.bestEpoch }],
    };
  }
  // The y-axis title runs up the axis, clear of the legend above the plot; the grid shrinks to hold the
  // axis labels and both titles (ECharts' outer bounds), and the plot starts below the legend's lines.
  const yName = { name: view.logScale ? 'loss (MSE, scaled, log)' : 'loss (MSE, scaled)', nameLocation: 'middle', nameRotate: 90, nameGap: 10 };
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid: { left: 4, right: 20, top: LEGEND_LINE * lossLegendLines(series.length) + 12, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v, 4) },
    // Fitted to the epochs so far, as TensorBoard does (not to the epochs asked for).
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 8, min: 1, max: Math.max(2, last), minInterval: 1 },
    yAxis: view.logScale
      ? { type: 'log', ...yName, axisLabel: { formatter: numberLabel } }
      : { type: 'value', ...yName, scale: true, axisLabel: { formatter: numberLabel } },
    series,
  };
}

/**
 * Axis labels for row indices: the series' own time labels when known, else the label of the nearest
 * predicted row (windows may skip rows), else the row number. (The engine's charts compute labels of
 * evenly advancing rows instead: `regularTimeAxis` in src/engine/evaluate/time-labels.ts.)
 */
export function nearestTimeLabel(rows: Array<{ index: number; time: string | null }>, times?: readonly string[] | null): (v: number) => string {
  const byIndex = new Map<number, string>();
  for (const r of rows) if (r.time) byIndex.set(r.index, r.time);
  const known = [...byIndex.keys()].sort((a, b) => a - b);
  return (v: number) => {
    const i = Math.round(v);
    if (times && i >= 0 && i < times.length && times[i]) return times[i];
    const exact = byIndex.get(i);
    if (exact !== undefined) return exact;
    if (known.length === 0) return String(i);
    let lo = 0;
    let hi = known.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (known[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    const near = lo > 0 && Math.abs(known[lo - 1] - i) < Math.abs(known[lo] - i) ? known[lo - 1] : known[lo];
    return byIndex.get(near) ?? String(i);
  };
}

/** Rows sorted by series index (defensive: hosts may send them in split order). */
function sorted<R extends { index: number; step?: number }>(rows: R[]): R[] {
  // Direct multi-step heads give H rows per window; the plot follows the one-step-ahead predictions.
  return rows.filter((r) => (r.step ?? 1) === 1).sort((a, b) => a.index - b.index);
}

export interface PredictionChart {
  option: EChartsCoreOption;
  seriesCount: number;
  /** Prediction-interval bands drawn (each is two series: its lower edge and its width). */
  bandCount: number;
  /** Points of the actual line (the whole series' rows, or what the host kept of them). */
  actualPoints: number;
  /** Reference overlays drawn. */
  overlayCount: number;
}

/** Band colours by rank of level, widest (highest level) first. */
const BAND_COLORS = ['rgba(234, 88, 12, 0.12)', 'rgba(234, 88, 12, 0.22)', 'rgba(234, 88, 12, 0.3)'];

/**
 * Prediction-interval bands: for each level, a transparent lower line and, stacked on it, the band's width
 * filled, over the test predictions (step 1 rows) and the forecast. Points whose band is unbounded are left out.
 */
export function intervalBandSeries(
  predictions: ReadonlyArray<{ index: number; predicted: number; split?: PredictionRow['split']; step?: number }>,
  forecast: readonly ForecastPoint[],
  lastIndex: number,
  intervals: PredictionIntervals | null | undefined,
): object[] {
  if (!intervals) return [];
  const testRows = sorted([...predictions]).filter((r) => r.split === 'test' && (r.step ?? 1) === 1);
  const levels = [...new Set([...intervals.test, ...intervals.forecast].map((b) => b.level))].sort((a, b) => b - a);
  return levels.flatMap((level, rank) => {
    const onTest = intervals.test.find((b) => b.level === level)?.halfWidth[0] ?? null;
    const onForecast = intervals.forecast.find((b) => b.level === level)?.halfWidth ?? [];
    const points: Array<[number, number, number]> = [];
    if (onTest !== null) for (const r of testRows) points.push([r.index, r.predicted, onTest]);
    forecast.forEach((f) => {
      const q = onForecast[f.step - 1];
      if (q !== null && q !== undefined) points.push([lastIndex + f.step, f.value, q]);
    });
    if (points.length === 0) return [];
    const name = `${+(level * 100).toFixed(6)} % interval`;
    const common = { name, type: 'line', stack: `band-${level}`, symbol: 'none', silent: true, tooltip: { show: false }, lineStyle: { opacity: 0 }, z: 1 };
    return [
      { ...common, data: points.map(([x, v, q]) => [x, v - q]) },
      { ...common, data: points.map(([x, , q]) => [x, 2 * q]), areaStyle: { color: BAND_COLORS[Math.min(rank, BAND_COLORS.length - 1)] } },
    ];
  });
}

/** A reference's (or baseline's) test forecasts, drawn over the test part on demand. */
export interface ReferenceOverlay {
  name: string;
  points: Array<[number, number]>;
  /** Dashed line colour: by the reference's place among the run's baselines, so it keeps it when others are switched. */
  color?: string;
}

/** Colours of the reference overlays (none close to the forecast's orange or the predictions' blue). */
const OVERLAY_COLORS = ['#047857', '#be185d', '#0e7490', '#7e22ce', '#4d7c0f', '#a16207', '#9f1239'];

/** What the prediction chart draws besides the predictions: the whole actual series and reference overlays. */
export interface PredictionExtras {
  /** The whole target series (RunResult.actualSeries): drawn as the actual line, so no row is hidden. */
  actualSeries?: SeriesPreview | null;
  overlays?: ReferenceOverlay[];
}

/**
 * Actual vs predicted in original units over train (+ validation) and test, the split line at the first
 * test row, the forecast beyond the last observation, and the prediction-interval bands when there are any.
 * The actual line is the whole series when it is given (else the predicted rows' actual values); the
 * predicted line starts where predictions exist and breaks over the test part's first window, which has none.
 */
export function predictionOption(
  predictions: Array<Pick<PredictionRow, 'index' | 'time' | 'actual' | 'predicted'> & { split?: PredictionRow['split']; step?: number }>,
  splitIndex: number,
  forecast: ForecastPoint[],
  lastIndex: number,
  column: string,
  times?: readonly string[] | null,
  intervals?: PredictionIntervals | null,
  extras: PredictionExtras = {},
): PredictionChart {
  const rows = sorted(predictions);
  const whole = extras.actualSeries ?? null;
  const actualRows = whole ? whole.values.map((value, i) => ({ index: whole.index?.[i] ?? i, time: whole.time?.[i] ?? null, value })) : null;
  const label = nearestTimeLabel(
    [...rows, ...(whole?.index ? (actualRows ?? []) : []), ...forecast.map((f) => ({ index: lastIndex + f.step, time: f.time }))],
    times ?? (whole && !whole.index ? whole.time : null),
  );
  const validation = rows.filter((r) => r.split === 'validation');
  const actualPoints = actualRows ? actualRows.map((r) => [r.index, r.value]) : rows.map((r) => [r.index, r.actual]);
  const predictedPoints: Array<[number, number | '-']> = [];
  rows.forEach((r, i) => {
    // No line across the rows without predictions: the first window of the test part.
    if (i > 0 && r.split === 'test' && rows[i - 1].split !== 'test') predictedPoints.push([(rows[i - 1].index + r.index) / 2, '-']);
    predictedPoints.push([r.index, r.predicted]);
  });
  const series: object[] = [
    {
      name: 'Actual',
      type: 'line',
      data: actualPoints,
      showSymbol: actualPoints.length < 400,
      symbolSize: 3,
      sampling: 'lttb',
      lineStyle: { width: 1.4, color: COLORS.actual },
      itemStyle: { color: COLORS.actual },
      ...(Number.isFinite(splitIndex)
        ? {
            markLine: {
              silent: true,
              symbol: ['none', 'none'],
              lineStyle: { color: COLORS.split, type: 'dashed', width: 1.5 },
              label: { formatter: 'train | test', position: 'insideEndTop', color: COLORS.split, fontWeight: 600 },
              data: [{ xAxis: splitIndex, name: 'train | test' }],
            },
          }
        : {}),
      ...(validation.length
        ? {
            markArea: {
              silent: true,
              itemStyle: { color: 'rgba(124, 58, 237, 0.07)' },
              label: { color: COLORS.validation, position: 'insideTop', fontSize: 11 },
              data: [[{ xAxis: validation[0].index, name: 'validation' }, { xAxis: validation[validation.length - 1].index }]],
            },
          }
        : {}),
    },
    {
      name: 'Predicted',
      type: 'line',
      data: predictedPoints,
      showSymbol: rows.length < 400,
      symbolSize: 3,
      sampling: 'lttb',
      lineStyle: { width: 1.4, color: COLORS.predicted },
      itemStyle: { color: COLORS.predicted },
    },
  ];
  if (forecast.length > 0) {
    series.push({
      name: `Forecast (${forecast.length} ahead)`,
      type: 'line',
      data: forecast.map((f) => [lastIndex + f.step, f.value]),
      showSymbol: forecast.length < 200,
      symbolSize: 4,
      lineStyle: { width: 2, color: COLORS.forecast, type: 'solid' },
      itemStyle: { color: COLORS.forecast },
    });
  }
  const bands = intervalBandSeries(rows, forecast, lastIndex, intervals);
  series.push(...bands);
  const overlays = extras.overlays ?? [];
  overlays.forEach((o, i) => {
    series.push({
      name: o.name,
      type: 'line',
      data: o.points,
      showSymbol: o.points.length < 100,
      symbolSize: 3,
      sampling: 'lttb',
      lineStyle: { width: 1.2, type: 'dashed', color: o.color ?? OVERLAY_COLORS[i % OVERLAY_COLORS.length] },
      itemStyle: { color: o.color ?? OVERLAY_COLORS[i % OVERLAY_COLORS.length] },
      z: 3,
    });
  });
  return {
    seriesCount: series.length,
    bandCount: bands.length / 2,
    actualPoints: actualPoints.length,
    overlayCount: overlays.length,
    option: {
      textStyle: baseTextStyle,
      animation: false,
      grid,
      legend,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'line' },
        valueFormatter: numberLabel,
      },
      xAxis: {
        type: 'value',
        scale: true,
        min: 'dataMin',
        max: 'dataMax',
        axisLabel: { formatter: label, hideOverlap: true },
        axisPointer: { label: { formatter: (p: { value: number }) => label(p.value) } },
      },
      yAxis: { type: 'value', scale: true, name: column, axisLabel: { formatter: numberLabel } },
      dataZoom: zoom,
      series,
    },
  };
}

/** The references (and baselines) of a run that carry their test forecasts: what can be overlaid. */
export function overlayNames(result: RunResult): string[] {
  return result.baselines.filter((b) => b.testPredicted && b.testPredicted.length > 0).map((b) => b.name);
}

/** The named references' one-step test forecasts as lines over the test rows (testPredicted is aligned with them). */
export function referenceOverlays(result: RunResult, names: readonly string[]): ReferenceOverlay[] {
  const testRows = result.predictions.filter((p) => p.split === 'test');
  return result.baselines.flatMap((b, place) => {
    if (!names.includes(b.name) || b.testPredicted?.length !== testRows.length) return [];
    const points: Array<[number, number]> = [];
    testRows.forEach((r, k) => {
      if (r.step === 1) points.push([r.index, b.testPredicted![k]]);
    });
    const name = b.kind === 'reference' ? `${b.name} (reference)` : b.name;
    return [{ name, points: points.sort((x, y) => x[0] - y[0]), color: OVERLAY_COLORS[place % OVERLAY_COLORS.length] }];
  });
}

export function predictionChartFor(result: RunResult, times?: readonly string[] | null, shownReferences: readonly string[] = []): PredictionChart {
  return predictionOption(result.predictions, result.samples.splitIndex, result.forecast, result.dataset.rows - 1, result.dataset.column, times, result.intervals, {
    actualSeries: result.actualSeries ?? null,
    overlays: referenceOverlays(result, shownReferences),
  });
}

/** Residuals (actual − predicted, original units) per row, by split, with the split line. */
export function residualOption(result: RunResult, times?: readonly string[] | null): EChartsCoreOption {
  const rows = sorted(result.predictions);
  const bySplit = (split: PredictionRow['split']) => rows.filter((r) => r.split === split).map((r) => [r.index, r.actual - r.predicted]);
  const splits: Array<[PredictionRow['split'], string, string]> = [
    ['train', 'Train', COLORS.train],
    ['validation', 'Validation', COLORS.validation],
    ['test', 'Test', COLORS.test],
  ];
  const label = nearestTimeLabel(rows, times);
  const series = splits
    // large: one path for many points instead of a shape per point.
    .map(([split, name, color]) => ({ name, type: 'scatter', symbolSize: 4, large: true, largeThreshold: 2000, data: bySplit(split), itemStyle: { color, opacity: 0.8 } }))
    .filter((s) => s.data.length > 0) as object[];
  if (series.length)
    Object.assign(series[0], {
      markLine: {
        silent: true,
        symbol: ['none', 'none'],
        data: [{ yAxis: 0, lineStyle: { color: '#94a3b8', type: 'solid' }, label: { show: false } }, { xAxis: result.samples.splitIndex, lineStyle: { color: COLORS.split, type: 'dashed' }, label: { formatter: 'train | test', color: COLORS.split } }],
      },
    });
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid: { ...grid, bottom: 40 },
    legend,
    tooltip: { trigger: 'item', formatter: (p: { value: number[]; seriesName: string }) => `${p.seriesName} ${label(p.value[0])}: ${fmt(p.value[1])}` },
    xAxis: { type: 'value', scale: true, min: 'dataMin', max: 'dataMax', axisLabel: { formatter: label, hideOverlap: true } },
    yAxis: { type: 'value', name: 'actual − predicted', scale: true, axisLabel: { formatter: numberLabel } },
    series,
  };
}

/** Histogram of residuals for train and test (original units). */
export function histogramOption(result: RunResult): EChartsCoreOption {
  const res = (split: PredictionRow['split']) => sorted(result.predictions).filter((r) => r.split === split).map((r) => r.actual - r.predicted);
  // A result thinned by the host brings the histogram of every residual; the kept rows alone would over-count the extremes.
  const counted = result.thinned?.residualHistogram;
  const { edges, counts } = counted ? { edges: counted.edges, counts: [counted.train, counted.test] } : histogram([res('train'), res('test')], 24);
  const [trainRows, testRows] = [0, 1].map((g) => (counts[g] ?? []).reduce((a, b) => a + b, 0));
  const centers = edges.slice(0, -1).map((e, i) => fmt((e + edges[i + 1]) / 2, 3));
  // Shares, so train (many rows) and test (few rows) are comparable.
  const share = (c: number[], n: number) => c.map((v) => (n ? (100 * v) / n : 0));
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid: { ...grid, bottom: 48 },
    legend,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${fmt(v, 3)} %` },
    xAxis: { type: 'category', data: centers, name: 'error (original units)', nameLocation: 'middle', nameGap: 30, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: '% of rows' },
    series: [
      { name: `Train (${trainRows})`, type: 'bar', data: share(counts[0] ?? [], trainRows), itemStyle: { color: COLORS.train }, barGap: '0%' },
      { name: `Test (${testRows})`, type: 'bar', data: share(counts[1] ?? [], testRows), itemStyle: { color: COLORS.test } },
    ],
  };
}
