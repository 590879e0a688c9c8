/** ECharts options of the Runs panel: pure functions from stored runs to chart options. */
import type { EChartsCoreOption } from 'echarts/core';
import type { PredictionSpread, RunRecord, SweepPoint } from '../../../../contract/run-history';
import type { RunResult } from '../../../../contract/run-result';
import { fmt } from '../../lib/format';
import { baseTextStyle, COLORS } from '../../charts/setup';

/** One colour per compared run (up to 8). */
export const RUN_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#7c3aed', '#db2777', '#0891b2', '#ca8a04', '#475569'];

const grid = { left: 60, right: 20, top: 40, bottom: 40 };
const legend = { top: 0, left: 'center', type: 'scroll', textStyle: { fontSize: 11 } };

/** Short label of a run in legends. */
export function runLabel(record: Pick<RunRecord, 'name' | 'runId'>, i: number): string {
  return `${i + 1}. ${record.name.length > 40 ? `${record.name.slice(0, 39)}…` : record.name}`;
}

/** Every run's training (and validation) loss per epoch, overlaid. */
export function compareLossOption(records: RunRecord[]): EChartsCoreOption {
  const series = records.flatMap((r, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    const out: object[] = [{ name: runLabel(r, i), type: 'line', data: r.history.map((h) => [h.epoch, h.loss]), showSymbol: false, lineStyle: { width: 2, color }, itemStyle: { color } }];
    if (r.history.some((h) => h.valLoss !== null)) {
      out.push({ name: `${runLabel(r, i)} (validation)`, type: 'line', data: r.history.map((h) => [h.epoch, h.valLoss]), showSymbol: false, lineStyle: { width: 1.5, type: 'dashed', color }, itemStyle: { color } });
    }
    return out;
  });
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid,
    legend,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v, 5) },
    xAxis: { type: 'value', name: 'epoch', minInterval: 1 },
    yAxis: { type: 'log', name: 'loss (MSE)', scale: true },
    series,
  };
}

/** The actual test values and every run's test predictions (one step ahead), overlaid. */
export function comparePredictionOption(records: RunRecord[], results: Array<RunResult | null>): EChartsCoreOption {
  const actual = new Map<number, number>();
  const series: object[] = [];
  results.forEach((result, i) => {
    if (!result) return;
    const rows = result.predictions.filter((p) => p.split === 'test' && p.step === 1);
    for (const p of rows) actual.set(p.index, p.actual);
    const color = RUN_COLORS[i % RUN_COLORS.length];
    series.push({ name: runLabel(records[i], i), type: 'line', data: rows.map((p) => [p.index, p.predicted]), showSymbol: false, lineStyle: { width: 1.5, color }, itemStyle: { color } });
  });
  series.unshift({
    name: 'Actual',
    type: 'line',
    data: [...actual.entries()].sort((a, b) => a[0] - b[0]),
    showSymbol: false,
    lineStyle: { width: 2, color: COLORS.actual },
    itemStyle: { color: COLORS.actual },
  });
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid,
    legend,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v, 3) },
    xAxis: { type: 'value', name: 'row', scale: true },
    yAxis: { type: 'value', scale: true },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    series,
  };
}

/** A sweep's points: one setting on x, the ranking error on y (one dot per finished point). */
export function sweepScatterOption(points: SweepPoint[], setting: string, rankBy: 'validation' | 'test'): EChartsCoreOption {
  const value = (p: SweepPoint) => (rankBy === 'validation' ? p.validationLoss : (p.testRmse?.median ?? null));
  const done = points.filter((p) => value(p) !== null && p.settings[setting] !== undefined);
  const categorical = done.some((p) => typeof p.settings[setting] === 'string');
  const categories = categorical ? [...new Set(done.map((p) => String(p.settings[setting])))] : [];
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid,
    tooltip: {
      trigger: 'item',
      formatter: (item: { data: [number | string, number, string] }) => `${item.data[2]}<br/>${fmt(item.data[1], 4)}`,
    },
    xAxis: categorical
      ? { type: 'category', name: setting, data: categories }
      : { type: 'value', name: setting, min: (v: { min: number; max: number }) => v.min - (v.max - v.min || 1) * 0.1, max: (v: { min: number; max: number }) => v.max + (v.max - v.min || 1) * 0.1 },
    yAxis: { type: 'value', name: rankBy === 'validation' ? 'validation RMSE (scaled)' : 'test RMSE (scaled)', scale: true },
    series: [
      {
        type: 'scatter',
        symbolSize: 10,
        itemStyle: { color: COLORS.predicted },
        data: done.map((p) => [
          categorical ? String(p.settings[setting]) : Number(p.settings[setting]),
          value(p)!,
          Object.entries(p.settings).map(([k, v]) => `${k}=${v}`).join(', '),
        ]),
      },
    ],
  };
}

/** The spread of N seeds' test predictions: min–max band, median line, actual values. */
export function spreadOption(spread: PredictionSpread): EChartsCoreOption {
  const rows = spread.map((s) => s.index);
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid,
    legend,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v, 3) },
    xAxis: { type: 'category', name: 'row', data: rows, boundaryGap: false },
    yAxis: { type: 'value', scale: true },
    series: [
      { name: 'lowest prediction', type: 'line', stack: 'band', data: spread.map((s) => s.min), showSymbol: false, lineStyle: { opacity: 0 }, itemStyle: { color: '#93c5fd' } },
      { name: 'range over seeds', type: 'line', stack: 'band', data: spread.map((s) => s.max - s.min), showSymbol: false, lineStyle: { opacity: 0 }, areaStyle: { color: '#93c5fd', opacity: 0.5 }, itemStyle: { color: '#93c5fd' } },
      { name: 'median prediction', type: 'line', data: spread.map((s) => s.median), showSymbol: false, lineStyle: { width: 2, color: COLORS.predicted }, itemStyle: { color: COLORS.predicted } },
      { name: 'Actual', type: 'line', data: spread.map((s) => s.actual), showSymbol: false, lineStyle: { width: 1.5, color: COLORS.actual }, itemStyle: { color: COLORS.actual } },
    ],
  };
}
