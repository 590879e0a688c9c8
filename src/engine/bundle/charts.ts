/**
 * The bundle's static charts, rendered without a browser: ECharts server-side SVG rendering, and PNG
 * through @resvg/resvg-js where it loads (it ships its binary inside npm packages). Without it the
 * bundle holds the SVG charts only.
 */
import type { EChartsCoreOption } from 'echarts';
import { CHART_COLORS, CHART_TEXT } from '../../contract/chart-colors.js';
import { extent } from '../../contract/extent.js';
import type { EpochRecord, ForecastPoint, PredictionRow } from '../../contract/run-result.js';

const WIDTH = 1000;
const HEIGHT = 420;
/** The app's palette, so a bundle's PNG looks like the chart on screen. */
const COLORS = CHART_COLORS;

export interface PredictionChartInput {
  title: string;
  predictions: readonly PredictionRow[];
  forecast: readonly ForecastPoint[];
  splitIndex: number;
  /** Last row index of the series (forecast step k is drawn at lastIndex + k). */
  lastIndex: number;
  /** Time label per row index, for axis labels (optional). */
  timeOf?: (index: number) => string | null;
  /** The whole actual series (RunResult.actualSeries.values), drawn in place of the predicted rows' actual values. */
  actual?: readonly number[];
}

/** ECharts is loaded on first use only: starting a run or the CLI does not pay for it. */
let echartsModule: Promise<typeof import('echarts')> | null = null;

async function render(option: EChartsCoreOption): Promise<string> {
  echartsModule ??= import('echarts');
  const echarts = await echartsModule;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { ...CHART_TEXT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * Magnitudes drawn as they are; values beyond are drawn in units of a power of ten. ECharts' nice-tick
 * arithmetic asserts on extents below about 1e-20 (measured), so nothing drawn is smaller than 1e-6.
 */
const SMALLEST_DRAWN = 1e-6;
const LARGEST_DRAWN = 1e100;

/**
 * The power of ten to divide values by so ECharts can draw them (its nice-tick arithmetic asserts on
 * subnormal extents such as 1e-310 and loses all precision near 1e300), and the axis-name suffix that says
 * so. Factor 1 for ordinary values.
 */
export function valueUnit(values: Iterable<number | null>): { factor: number; suffix: string } {
  let largest = 0;
  for (const v of values) if (v !== null && Number.isFinite(v) && Math.abs(v) > largest) largest = Math.abs(v);
  if (largest === 0 || (largest >= SMALLEST_DRAWN && largest <= LARGEST_DRAWN)) return { factor: 1, suffix: '' };
  const exponent = Math.floor(Math.log10(largest));
  return { factor: 10 ** exponent, suffix: ` (× 1e${exponent})` };
}

/** A value as drawn: in the chart's unit, and null (a gap) where it is not a finite number. */
const drawn = (value: number | null, factor: number): number | null => {
  if (value === null || !Number.isFinite(value)) return null;
  // Dividing a subnormal by a power of ten below 1e-308 would overflow the power itself; divide in steps.
  return factor < 1e-300 ? value / 1e-300 / (factor / 1e-300) : value / factor;
};

/**
 * An explicit y range where the drawn values hardly differ (a span below a millionth of their size, e.g.
 * 1e-5 and 1e-5 + 1e-21): ECharts would otherwise cut ticks from that span. Empty for ordinary values.
 */
export function yRange(drawnValues: Iterable<number | null>): { min?: number; max?: number } {
  const finite = [...drawnValues].filter((v): v is number => v !== null && Number.isFinite(v));
  const { min, max } = extent(finite);
  if (finite.length === 0) return {};
  const size = Math.max(Math.abs(min), Math.abs(max));
  if (max - min >= size * 1e-6 && max - min > 0) return {};
  const pad = size > 0 ? size * 1e-3 : 1;
  return { min: min - pad, max: max + pad };
}

export function lossChartSvg(history: readonly EpochRecord[], title = 'Training loss'): Promise<string> {
  const hasVal = history.some((h) => h.valLoss !== null);
  const unit = valueUnit(history.flatMap((h) => [h.loss, h.valLoss]));
  const range = yRange(history.flatMap((h) => [drawn(h.loss, unit.factor), drawn(h.valLoss, unit.factor)]));
  return render({
    title: { text: title, left: 'center', top: 6 },
    legend: { top: 40, itemGap: 24, data: hasVal ? ['training loss', 'validation loss'] : ['training loss'] },
    grid: { left: 70, right: 40, top: 85, bottom: 50 },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 28, minInterval: 1, min: 1 },
    yAxis: { type: 'value', name: `loss (MSE, scaled)${unit.suffix}`, scale: true, ...range },
    series: [
      { name: 'training loss', type: 'line', showSymbol: history.length <= 50, lineStyle: { width: 2, color: COLORS.loss }, itemStyle: { color: COLORS.loss }, data: history.map((h) => [h.epoch, drawn(h.loss, unit.factor)]) },
      ...(hasVal
        ? [
            {
              name: 'validation loss',
              type: 'line',
              showSymbol: history.length <= 50,
              lineStyle: { width: 2, color: COLORS.valLoss },
              itemStyle: { color: COLORS.valLoss },
              data: history.filter((h) => h.valLoss !== null).map((h) => [h.epoch, drawn(h.valLoss, unit.factor)]),
            },
          ]
        : []),
    ],
  });
}

export function predictionChartSvg(input: PredictionChartInput): Promise<string> {
  const rows = input.predictions.filter((r) => r.step === 1).slice().sort((a, b) => a.index - b.index);
  // Every row of the series when it is known: the first window of each part has no prediction but is data.
  const actual = input.actual ? input.actual.map((v, i) => [i, v]) : rows.map((r) => [r.index, r.actual]);
  const unit = valueUnit([...actual.map(([, v]) => v), ...rows.map((r) => r.predicted), ...input.forecast.map((f) => f.value)]);
  const y = (value: number) => drawn(value, unit.factor);
  const range = yRange([...actual.map(([, v]) => y(v)), ...rows.map((r) => y(r.predicted)), ...input.forecast.map((f) => y(f.value))]);
  const bySplit = (split: PredictionRow['split']) => rows.filter((r) => r.split === split).map((r) => [r.index, y(r.predicted)]);
  const big = Math.max(rows.length, actual.length) > 2000;
  const line = (name: string, color: string, data: unknown[]) => ({
    name,
    type: 'line',
    data,
    showSymbol: false,
    sampling: big ? 'lttb' : undefined,
    lineStyle: { width: 1.5, color },
    itemStyle: { color },
  });
  const validation = bySplit('validation');
  const forecast = input.forecast.map((f) => [input.lastIndex + f.step, y(f.value)]);
  const names = ['actual', 'predicted (train)', ...(validation.length ? ['predicted (validation)'] : []), 'predicted (test)', ...(forecast.length ? ['forecast'] : [])];
  const timeOf = input.timeOf;
  return render({
    title: { text: input.title, left: 'center', top: 6 },
    legend: { top: 40, itemGap: 24, data: names },
    grid: { left: 70, right: 40, top: 85, bottom: 50 },
    xAxis: {
      type: 'value',
      scale: true,
      axisLabel: timeOf ? { formatter: (v: number) => timeOf(Math.round(v)) ?? '' } : undefined,
    },
    yAxis: { type: 'value', scale: true, name: unit.suffix ? `values${unit.suffix}` : undefined, ...range },
    series: [
      {
        ...line('actual', COLORS.actual, actual.map(([i, v]) => [i, y(v)])),
        markLine: {
          symbol: 'none',
          silent: true,
          label: { formatter: 'train | test', position: 'end', color: COLORS.split, fontWeight: 600 },
          lineStyle: { color: COLORS.split, type: 'dashed', width: 1.5 },
          data: [{ xAxis: input.splitIndex }],
        },
      },
      line('predicted (train)', COLORS.train, bySplit('train')),
      ...(validation.length ? [line('predicted (validation)', COLORS.validation, validation)] : []),
      line('predicted (test)', COLORS.test, bySplit('test')),
      ...(forecast.length ? [{ ...line('forecast', COLORS.forecast, forecast), showSymbol: forecast.length <= 60, lineStyle: { width: 1.5, type: 'dashed', color: COLORS.forecast } }] : []),
    ],
  });
}

type Rasteriser = (svg: string) => Uint8Array;
let rasteriser: Promise<Rasteriser | null> | null = null;

/** SVG → PNG with resvg, or null when @resvg/resvg-js is not available on this machine. */
export async function svgToPng(svg: string): Promise<Uint8Array | null> {
  rasteriser ??= import('@resvg/resvg-js')
    .then((mod) => {
      const Resvg = mod.Resvg ?? (mod as unknown as { default: typeof mod }).default.Resvg;
      return (text: string) => new Resvg(text, { background: '#ffffff', font: { loadSystemFonts: true } }).render().asPng();
    })
    .catch(() => null);
  const render = await rasteriser;
  return render ? render(svg) : null;
}
