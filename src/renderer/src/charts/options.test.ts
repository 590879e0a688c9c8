import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../../contract/run-config';
import { issuesByPath } from '../../../contract/validation-messages';
import { histogram, toCsv } from '../lib/format';
import { init } from 'echarts';
import { lossOption, predictionOption, seriesOption, smoothLosses } from './options';

describe('form validation reasons', () => {
  const base = () => structuredClone(RunConfigSchema.parse({ data: { path: 'x.csv' } }));
  it('names the field and the limit', () => {
    const c = base();
    c.prep.timeSteps = 0;
    (c.training as { learningRate: unknown }).learningRate = '';
    c.model.layers[0].units = 2.5;
    const r = RunConfigSchema.safeParse(c);
    expect(r.success).toBe(false);
    const errors = issuesByPath(r.error!.issues);
    expect(errors['prep.timeSteps']).toBe('must be at least 1');
    expect(errors['training.learningRate']).toBe('enter a number');
    expect(errors['model.layers.0.units']).toBe('must be a whole number');
  });
  it('keeps cross-field messages', () => {
    const c = base();
    c.training.earlyStoppingPatience = 3;
    const errors = issuesByPath(RunConfigSchema.safeParse(c).error!.issues);
    expect(errors['training.earlyStoppingPatience']).toMatch(/validation fraction/);
  });
});

describe('chart options', () => {
  it('plots one loss point per epoch and the validation loss when present', () => {
    const o = lossOption(
      [
        { epoch: 1, loss: 0.1, valLoss: 0.2, seconds: 1 },
        { epoch: 2, loss: 0.05, valLoss: 0.1, seconds: 2 },
      ],
      { logScale: false, smoothing: 0, bestEpoch: 2 },
    ) as { series: Array<{ name: string; data: number[][] }> };
    expect(o.series.map((s) => s.name)).toEqual(['Training loss', 'Validation loss']);
    expect(o.series[0].data).toEqual([[1, 0.1], [2, 0.05]]);
  });
  it('draws the loss as TensorBoard does: axes fitted to the epochs so far, log scale, smoothing, the kept epoch marked', () => {
    const epochs = [0.4, 0.2, 0.3, 0.1, 0.15].map((loss, i) => ({ epoch: i + 1, loss, valLoss: null, seconds: 0.1 }));
    const o = lossOption(epochs, { logScale: true, smoothing: 0.6, bestEpoch: 4 }) as {
      xAxis: { min: number; max: number };
      yAxis: { type: string };
      series: Array<{ name: string; data: number[][]; markLine?: { data: Array<{ xAxis: number }> } }>;
    };
    expect(o.xAxis).toMatchObject({ min: 1, max: 5 });
    expect(o.yAxis.type).toBe('log');
    expect(o.series.map((s) => s.name)).toEqual(['Training loss', 'Training loss (smoothed)']);
    expect(o.series[0].markLine?.data[0].xAxis).toBe(4);
    // Debiased EMA: the first smoothed point is the first value; later ones lie between the raw extremes.
    const smoothed = o.series[1].data.map((p) => p[1]);
    expect(smoothed[0]).toBeCloseTo(0.4, 12);
    expect(smoothed[1]).toBeCloseTo((0.6 * 0.4 * 0.4 + 0.4 * 0.2) / (1 - 0.36), 12);
    expect(smoothLosses([1, 1, 1], 0.9)).toEqual([1, 1, 1].map(() => expect.closeTo(1, 12)));
  });
  it('lays the loss chart out without overlaps in the cards of a 1024 px and a 1440 px window (ECharts lays it out)', () => {
    // Chart widths in Chromium: 430 px at 1024x700 (e2e/loss-chart.spec.ts holds it to at least 420), 846 px at 1440x900; 300 px high.
    type Box = { text: string; x: number; y: number; width: number; height: number };
    const meets = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const epochs = [0.4, 0.2, 0.3, 0.1, 0.15, 0.12].map((loss, i) => ({ epoch: i + 1, loss, valLoss: loss * 1.3, seconds: 0.1 }));
    for (const width of [420, 846]) {
      for (const logScale of [false, true]) {
        for (const smoothing of [0, 0.6]) {
          for (const withValidation of [false, true]) {
            const option = lossOption(withValidation ? epochs : epochs.map((e) => ({ ...e, valLoss: null })), { logScale, smoothing, bestEpoch: 4 });
            const names = (option as { series: Array<{ name: string }> }).series.map((x) => x.name);
            const chart = init(null, null, { renderer: 'svg', ssr: true, width, height: 300 });
            chart.setOption(option);
            const texts: Box[] = [];
            for (const el of chart.getZr().storage.getDisplayList(true)) {
              const text = (el as { style?: { text?: string } }).style?.text;
              if (!text) continue;
              const r = el.getBoundingRect().clone();
              if (el.transform) r.applyTransform(el.transform);
              texts.push({ text, x: r.x, y: r.y, width: r.width, height: r.height });
            }
            chart.dispose();
            const view = `${width} px, log ${logScale}, smoothing ${smoothing}, validation ${withValidation}`;
            const legend = texts.filter((t) => names.includes(t.text));
            const yName = texts.find((t) => t.text.startsWith('loss (MSE'));
            const others = texts.filter((t) => !names.includes(t.text) && !t.text.startsWith('kept:'));
            expect(legend.map((t) => t.text), view).toEqual(names);
            expect(yName, view).toBeDefined();
            for (const t of texts) {
              expect(t.x >= 0 && t.y >= 0 && t.x + t.width <= width && t.y + t.height <= 300, `${view}: "${t.text}" inside the chart`).toBe(true);
            }
            for (const a of legend) for (const b of others) expect(meets(a, b), `${view}: legend "${a.text}" clear of "${b.text}"`).toBe(false);
            for (const b of others) if (b !== yName) expect(meets(yName!, b), `${view}: axis title clear of "${b.text}"`).toBe(false);
          }
        }
      }
    }
  });
  it('puts the split line at the split index and the forecast after the last row', () => {
    const rows = [
      { index: 24, time: 'b', split: 'test' as const, step: 1, actual: 2, predicted: 2.5 },
      { index: 12, time: 'a', split: 'train' as const, step: 1, actual: 1, predicted: 1.5 },
      { index: 12, time: 'a', split: 'train' as const, step: 2, actual: 9, predicted: 9 },
    ];
    const { option, seriesCount } = predictionOption(rows, 24, [{ step: 1, time: null, value: 3 }], 29, 'y');
    const series = (option as { series: Array<{ data: number[][]; markLine?: { data: Array<{ xAxis: number }> } }> }).series;
    expect(seriesCount).toBe(3);
    expect(series[0].data).toEqual([[12, 1], [24, 2]]);
    expect(series[0].markLine!.data[0].xAxis).toBe(24);
    expect(series[2].data).toEqual([[30, 3]]);
  });
});

describe('the whole actual series and reference overlays', () => {
  const rows = [
    { index: 3, time: null, split: 'train' as const, step: 1, actual: 3, predicted: 3.5 },
    { index: 4, time: null, split: 'train' as const, step: 1, actual: 4, predicted: 4.5 },
    { index: 8, time: null, split: 'test' as const, step: 1, actual: 8, predicted: 8.5 },
    { index: 9, time: null, split: 'test' as const, step: 1, actual: 9, predicted: 9.5 },
  ];
  const whole = { column: 'y', time: ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], missingHandled: 0, rows: 10, index: null };
  it('draws every row of the series as the actual line, and no predicted line over the test part\'s first window', () => {
    const chart = predictionOption(rows, 5, [], 9, 'y', null, null, { actualSeries: whole });
    const series = (chart.option as { series: Array<{ data: unknown[] }>; xAxis: { axisLabel: { formatter: (v: number) => string } } }).series;
    expect(chart.actualPoints).toBe(10);
    expect(series[0].data).toEqual(whole.values.map((v, i) => [i, v]));
    expect(series[1].data).toEqual([[3, 3.5], [4, 4.5], [6, '-'], [8, 8.5], [9, 9.5]]);
    // Rows before the first prediction are labelled with their own times.
    expect((chart.option as { xAxis: { axisLabel: { formatter: (v: number) => string } } }).xAxis.axisLabel.formatter(1)).toBe('t1');
  });
  it('overlays the chosen references over the test rows', () => {
    const chart = predictionOption(rows, 5, [], 9, 'y', null, null, { actualSeries: whole, overlays: [{ name: 'ETS (reference)', points: [[8, 7.9], [9, 8.9]] }] });
    const series = (chart.option as { series: Array<{ name: string; data: unknown[] }> }).series;
    expect(chart.overlayCount).toBe(1);
    expect(series.at(-1)).toMatchObject({ name: 'ETS (reference)', data: [[8, 7.9], [9, 8.9]] });
  });
});

describe('prediction interval bands', () => {
  it('stacks the band width on a transparent lower line over the test rows and the forecast, widest level first', () => {
    const rows = [
      { index: 20, time: null, split: 'test' as const, step: 1, actual: 2, predicted: 2.5 },
      { index: 10, time: null, split: 'train' as const, step: 1, actual: 1, predicted: 1.5 },
    ];
    const intervals = {
      method: 'split-conformal' as const,
      calibration: 'validation' as const,
      calibrationSize: 10,
      test: [
        { level: 0.8, halfWidth: [0.5], coverage: 1 },
        { level: 0.95, halfWidth: [null], coverage: 1 },
      ],
      forecast: [
        { level: 0.8, halfWidth: [1] },
        { level: 0.95, halfWidth: [2] },
      ],
    };
    const { option, seriesCount } = predictionOption(rows, 20, [{ step: 1, time: null, value: 3 }], 21, 'y', null, intervals);
    const series = (option as { series: Array<{ name: string; data: number[][]; stack?: string; areaStyle?: object }> }).series;
    expect(seriesCount).toBe(3 + 4);
    const bands = series.slice(3);
    expect(bands.map((b) => b.name)).toEqual(['95 % interval', '95 % interval', '80 % interval', '80 % interval']);
    // 95 %: unbounded on the test rows, so only the forecast point: 3 ± 2.
    expect(bands[0].data).toEqual([[22, 1]]);
    expect(bands[1].data).toEqual([[22, 4]]);
    // 80 %: test row 20 (2.5 ± 0.5) and the forecast (3 ± 1); the upper series carries the width.
    expect(bands[2].data).toEqual([[20, 2], [22, 2]]);
    expect(bands[3].data).toEqual([[20, 1], [22, 2]]);
    expect(bands[3].stack).toBe(bands[2].stack);
    expect(bands[3].areaStyle).toBeDefined();
    expect(predictionOption(rows, 20, [], 21, 'y').seriesCount).toBe(2);
  });
});

describe('input series chart', () => {
  it('hands ECharts one flat typed array, LTTB-sampled, without symbols, labelled with the time column', () => {
    const option = seriesOption({ column: 'a', time: ['2020-01', '2020-02', '2020-03'], values: [5, 6, 7], missingHandled: 0, rows: 3, index: null }) as {
      xAxis: { type: string; max: number; axisLabel: { formatter: (v: number) => string } };
      series: Array<{ data: Float64Array; sampling: string; showSymbol: boolean }>;
    };
    expect(Array.from(option.series[0].data)).toEqual([0, 5, 1, 6, 2, 7]);
    expect(option.series[0]).toMatchObject({ sampling: 'lttb', showSymbol: false });
    expect(option.xAxis).toMatchObject({ type: 'value', max: 2 });
    expect(option.xAxis.axisLabel.formatter(1.2)).toBe('2020-02');
    const rows = seriesOption({ column: 'a', time: null, values: [5, 6], missingHandled: 0, rows: 2, index: null }) as { xAxis: { axisLabel: { formatter: (v: number) => string } } };
    expect(rows.xAxis.axisLabel.formatter(1)).toBe('1');
  });
  it('plots a series thinned by the host at its row numbers, over all its rows, labelled by the nearest plotted row', () => {
    const option = seriesOption({ column: 'a', time: ['t0', 't40', 't75', 't99'], values: [1, 9, -3, 2], missingHandled: 0, rows: 100, index: [0, 40, 75, 99] }) as {
      xAxis: { max: number; axisLabel: { formatter: (v: number) => string } };
      series: Array<{ data: Float64Array }>;
    };
    expect(Array.from(option.series[0].data)).toEqual([0, 1, 40, 9, 75, -3, 99, 2]);
    expect(option.xAxis.max).toBe(99);
    expect([0, 40, 50, 70, 99].map(option.xAxis.axisLabel.formatter)).toEqual(['t0', 't40', 't40', 't75', 't99']);
    const untimed = seriesOption({ column: 'a', time: null, values: [1, 9], missingHandled: 0, rows: 100, index: [0, 99] }) as { xAxis: { axisLabel: { formatter: (v: number) => string } } };
    expect(untimed.xAxis.axisLabel.formatter(42)).toBe('42');
  });
});

describe('helpers', () => {
  it('bins values', () => {
    const h = histogram([[0, 1, 2, 3], [3]], 3);
    expect(h.counts).toEqual([[1, 1, 2], [0, 0, 1]]);
  });
  it('quotes CSV cells', () => {
    expect(toCsv([['a', 'b,c'], [1, null]])).toBe('a,"b,c"\n1,\n');
  });
});
