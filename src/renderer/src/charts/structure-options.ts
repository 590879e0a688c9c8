/**
 * ECharts options of the Data tab's series structure: the autocorrelation function (bars, with the ±2/√n
 * significance bound and the season's lag marked) and the classical decomposition (observed, trend,
 * season and remainder in four stacked panels sharing one time axis).
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { SeriesStructure } from '../../../contract/datasets';
import { fmt } from '../lib/format';
import { nearestTimeLabel } from './options';
import { baseTextStyle, COLORS } from './setup';

const numberLabel = (v: number) => fmt(v, 3);

export function acfOption(structure: SeriesStructure): EChartsCoreOption {
  const bound = structure.bound;
  const season = structure.seasonLength;
  const data = structure.acf.map((r, lag) => ({ value: [lag, r], itemStyle: { color: lag === season ? COLORS.forecast : COLORS.predicted } }));
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid: { left: 56, right: 20, top: 24, bottom: 40 },
    tooltip: { trigger: 'axis', valueFormatter: numberLabel },
    xAxis: { type: 'value', name: 'lag', nameLocation: 'middle', nameGap: 26, min: 0, max: Math.max(1, structure.acf.length - 1) },
    yAxis: { type: 'value', min: -1, max: 1, name: 'autocorrelation', nameTextStyle: { align: 'left' } },
    series: [
      {
        name: 'autocorrelation',
        type: 'bar',
        barMaxWidth: 6,
        data,
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: '±2/√n', position: 'insideEndTop' },
          lineStyle: { type: 'dashed', color: COLORS.split },
          data: [{ yAxis: bound }, { yAxis: -bound, label: { show: false } }],
        },
      },
    ],
  };
}

const PARTS = [
  { key: 'observed', name: 'observed', color: COLORS.actual },
  { key: 'trend', name: 'trend', color: COLORS.predicted },
  { key: 'season', name: 'season', color: COLORS.forecast },
  { key: 'remainder', name: 'remainder', color: COLORS.validation },
] as const;

export function decompositionOption(structure: SeriesStructure): EChartsCoreOption | null {
  const d = structure.decomposition;
  if (!d) return null;
  const label = nearestTimeLabel(d.index.map((row, i) => ({ index: row, time: d.time?.[i] ?? null })));
  const last = d.index[d.index.length - 1] ?? 1;
  const height = 17;
  const grids = PARTS.map((_, i) => ({ left: 64, right: 20, top: `${6 + i * (height + 6)}%`, height: `${height}%` }));
  return {
    textStyle: baseTextStyle,
    animation: false,
    grid: grids,
    tooltip: { trigger: 'axis', valueFormatter: numberLabel },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    xAxis: PARTS.map((_, i) => ({
      type: 'value',
      gridIndex: i,
      min: d.index[0] ?? 0,
      max: last,
      axisLabel: { show: i === PARTS.length - 1, formatter: label, hideOverlap: true },
      axisPointer: { label: { formatter: (p: { value: number }) => label(p.value) } },
    })),
    yAxis: PARTS.map((part, i) => ({ type: 'value', gridIndex: i, scale: true, name: part.name, nameTextStyle: { align: 'left' }, splitNumber: 2 })),
    series: PARTS.map((part, i) => ({
      name: part.name,
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      showSymbol: false,
      connectNulls: false,
      lineStyle: { width: 1.1, color: part.color },
      itemStyle: { color: part.color },
      data: d.index.map((row, k) => [row, d[part.key][k]]),
    })),
  };
}
