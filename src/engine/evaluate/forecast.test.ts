import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../model/build.js';
import { tfjsPredictor } from '../train/tfjs-trainer.js';
import { forecastAhead } from './forecast.js';
import { handContext, handSeries } from './test-context.js';
import { recurrentModel } from '../model/test-support/model-spec.js';
import { calendarValues } from '../data/calendar-features.js';
import type { Windows } from '../data/windows.js';

// Series 0..19 (scaled = value / 19), 2 time steps. SimpleRNN(1, linear) with input weight 1, recurrent
// weight 0.5 and bias 0 gives h = x2 + 0.5·x1 for a window (x1, x2); the Dense head has weight(s) `head`
// and bias 0. With scaling by 19 only, the same recursion holds in original units.
const values = Array.from({ length: 20 }, (_, t) => t);
/** Monthly labels 1982-05 .. 1983-12. */
const months = Array.from({ length: 20 }, (_, t) => {
  const month = 1982 * 12 + 4 + t;
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
});

function handModel(inputWeights: number[], head: number[]): tf.LayersModel {
  const spec = recurrentModel({ layers: [{ type: 'simpleRNN' as const, units: 1, activation: 'linear' as const, dropout: 0 }], outputActivation: 'linear' as const, outputUnits: head.length });
  const model = buildModel(spec, { timeSteps: 2, features: inputWeights.length, seed: 1 });
  tf.tidy(() =>
    model.setWeights([
      tf.tensor2d(inputWeights.map((w) => [w])),
      tf.tensor2d([[0.5]]),
      tf.tensor1d([0]),
      tf.tensor2d([head]),
      tf.tensor1d(head.map(() => 0)),
    ]),
  );
  return model;
}

function context(features: number[][], model: tf.LayersModel, forecastSteps: number) {
  return handContext(handSeries(features, months), {
    predict: tfjsPredictor(model),
    config: { prep: { timeSteps: 2 }, model: { outputUnits: model.outputs[0].shape[1] as number }, evaluation: { forecastSteps } },
  });
}

let model: tf.LayersModel | null = null;
afterEach(() => model?.dispose());

describe('forecastAhead', () => {
  it('one-step model: recursive forecast 28, 37.5, 51.5 with the next months, disposing every tensor', async () => {
    model = handModel([1], [1]);
    const before = tf.memory().numTensors;
    const forecast = await forecastAhead(context([values], model, 3));
    expect(tf.memory().numTensors).toBe(before);
    // 19 + 0.5·18 = 28; 28 + 0.5·19 = 37.5; 37.5 + 0.5·28 = 51.5
    expect(forecast.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(forecast.map((p) => p.time)).toEqual(['1984-01', '1984-02', '1984-03']);
    forecast.forEach((p, i) => expect(p.value).toBeCloseTo([28, 37.5, 51.5][i], 4));
  });

  it('no steps asked: no forecast', async () => {
    model = handModel([1], [1]);
    expect(await forecastAhead(context([values], model, 0))).toEqual([]);
  });

  it('2-unit head: direct for 2 steps, then recursive from the predicted window', async () => {
    model = handModel([1], [1, 2]); // outputs h and 2h
    const direct = await forecastAhead(context([values], model, 2));
    expect(direct.map((p) => p.value)).toEqual([expect.closeTo(28, 4), expect.closeTo(56, 4)]);
    // third step: window (28, 56) → h = 56 + 0.5·28 = 70
    const further = await forecastAhead(context([values], model, 3));
    expect(further.map((p) => p.value)).toEqual([expect.closeTo(28, 4), expect.closeTo(56, 4), expect.closeTo(70, 4)]);
  });

  it('with an extra input column stops at the head’s steps and says why', async () => {
    model = handModel([1, 0], [1]); // the second column has weight 0
    const warnings: string[] = [];
    const noise = values.map((v) => (v * 7) % 5);
    const forecast = await forecastAhead(context([values, noise], model, 3), warnings);
    expect(forecast).toHaveLength(1);
    expect(forecast[0].value).toBeCloseTo(28, 4);
    expect(forecast[0].time).toBe('1984-01');
    expect(warnings[0]).toMatch(/^Forecast: 1 of 3 steps\..*input columns \(x1\)/);
  });

  it('with calendar features only: recursive beyond the head, each new window row holding its future month’s sin/cos', async () => {
    model = null;
    const calendar = months.map((label) => calendarValues(['month'], Date.parse(`${label}-01T00:00:00Z`)));
    const series = handSeries([values, calendar.map((c) => c[0]), calendar.map((c) => c[1])], months);
    const seen: Windows[] = [];
    // The predictor returns the window's last target value + 1 (scaled by 1/19), and records the windows.
    const predict = (w: Windows) => {
      seen.push(w);
      return Float32Array.of(w.x[(w.timeSteps - 1) * w.features] + 1 / 19);
    };
    const ctx = handContext(series, { predict, config: { prep: { timeSteps: 2 }, evaluation: { forecastSteps: 4 } } });
    ctx.config.data.calendarFeatures = ['month'];
    const warnings: string[] = [];
    const forecast = await forecastAhead(ctx, warnings);
    expect(warnings).toEqual([]);
    expect(forecast.map((p) => p.time)).toEqual(['1984-01', '1984-02', '1984-03', '1984-04']);
    forecast.forEach((p, i) => expect(p.value).toBeCloseTo(20 + i, 4));
    expect(seen).toHaveLength(4);
    // Window k ends with the row of forecast step k (1984-01 for the second window, ...), its features as the scaler sees them.
    const { scaler } = ctx.prepared;
    seen.slice(1).forEach((w, k) => {
      const [sin, cos] = calendarValues(['month'], Date.UTC(1984, k, 1));
      const last = (w.timeSteps - 1) * w.features;
      expect(w.features).toBe(3);
      expect(w.x[last + 1]).toBeCloseTo(scaler.transformValue(sin, 1), 6);
      expect(w.x[last + 2]).toBeCloseTo(scaler.transformValue(cos, 2), 6);
    });
  });

  it('with hourly calendar features on ISO date-times: the future hours by the labels’ constant step', async () => {
    model = null;
    const hours = values.map((_, t) => `2012-03-01 ${String(t).padStart(2, '0')}:00`);
    const calendar = hours.map((label) => calendarValues(['hour'], Date.parse(`${label.replace(' ', 'T')}:00Z`)));
    const series = handSeries([values, calendar.map((c) => c[0]), calendar.map((c) => c[1])], hours);
    const seen: Windows[] = [];
    const predict = (w: Windows) => (seen.push(w), Float32Array.of(0.5));
    const ctx = handContext(series, { predict, config: { prep: { timeSteps: 2 }, evaluation: { forecastSteps: 6 } } });
    ctx.config.data.calendarFeatures = ['hour'];
    const warnings: string[] = [];
    expect(await forecastAhead(ctx, warnings)).toHaveLength(6);
    expect(warnings).toEqual([]);
    // The data ends at 19:00; the sixth window ends with the fifth future row, 2012-03-02 00:00, whose hour cosine is 1.
    const w = seen[5];
    expect(w.x[(w.timeSteps - 1) * w.features + 2]).toBeCloseTo(ctx.prepared.scaler.transformValue(1, 2), 6);
  });

  it('with calendar features on labels that do not advance evenly: stops at the head and says why', async () => {
    model = null;
    const uneven = months.map((label, t) => (t === 5 ? months[6] : label)); // one month twice, one missing
    const series = handSeries([values, values.map(() => 0), values.map(() => 1)], uneven);
    const ctx = handContext(series, { predict: () => Float32Array.of(0.5), config: { prep: { timeSteps: 2 }, evaluation: { forecastSteps: 3 } } });
    ctx.config.data.calendarFeatures = ['month'];
    series.inputColumns = ['month_sin', 'month_cos'];
    const warnings: string[] = [];
    expect(await forecastAhead(ctx, warnings)).toHaveLength(1);
    expect(warnings).toEqual([
      "Forecast: 1 of 3 steps. Beyond the model's 1-step output the forecast would need future values of the calendar features, and the time labels do not advance evenly, so the future rows' times are unknown.",
    ]);
  });
});
