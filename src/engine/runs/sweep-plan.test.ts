import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../contract/run-config.js';
import { SweepRequestSchema, type RunRecord } from '../../contract/run-history.js';
import { expandSweep, rankPoints, summarisePoint } from './sweep-plan.js';

const base = parseRunConfig({ data: { path: '/data/x.csv' }, training: { seed: 10 } });
const request = (input: Record<string, unknown>) => SweepRequestSchema.parse({ base, ...input });

describe('expandSweep', () => {
  it('takes every combination, applying layers before units, cell and dropout, with the same seeds for every point', () => {
    const { points, seeds, total } = expandSweep(request({ grid: { units: [2, 8], layers: [1, 2], cell: ['lstm'], 'learning-rate': [0.01] }, repeat: 3 }));
    expect(total).toBe(12);
    expect(seeds).toEqual([10, 11, 12]);
    expect(points.map((p) => p.settings)).toEqual([
      { layers: 1, cell: 'lstm', units: 2, 'learning-rate': 0.01 },
      { layers: 1, cell: 'lstm', units: 8, 'learning-rate': 0.01 },
      { layers: 2, cell: 'lstm', units: 2, 'learning-rate': 0.01 },
      { layers: 2, cell: 'lstm', units: 8, 'learning-rate': 0.01 },
    ]);
    const last = points[3].configs;
    expect(last.map((c) => c.training.seed)).toEqual([10, 11, 12]);
    expect(last[0].model.layers).toEqual([
      { type: 'lstm', units: 8, activation: 'tanh', dropout: 0 },
      { type: 'lstm', units: 8, activation: 'tanh', dropout: 0 },
    ]);
    expect(last[0].training.learningRate).toBe(0.01);
  });

  it('draws --random points of the grid, the same ones for the same seed', () => {
    const grid = { units: [1, 2, 3, 4], 'time-steps': [6, 12, 24], 'batch-size': [1, 16] };
    const a = expandSweep(request({ grid, random: 5 }));
    const b = expandSweep(request({ grid, random: 5 }));
    expect(a.total).toBe(5);
    expect(a.points.map((p) => p.settings)).toEqual(b.points.map((p) => p.settings));
    expect(new Set(a.points.map((p) => JSON.stringify(p.settings))).size).toBe(5);
  });

  it('asks for confirmation above 100 runs and names a bad value', () => {
    const grid = { units: Array.from({ length: 11 }, (_, i) => i + 1), epochs: Array.from({ length: 10 }, (_, i) => i + 1) };
    expect(() => expandSweep(request({ grid }))).toThrow('This sweep trains 110 runs (110 points × 1 seed), more than 100');
    expect(expandSweep(request({ grid, confirmed: true })).total).toBe(110);
    expect(() => expandSweep(request({ grid: { cell: ['transformer'] } }))).toThrow('Sweep value "transformer" for cell is not one of simpleRNN, lstm, gru.');
    expect(() => expandSweep(request({ grid: { dropout: [0.95] } }))).toThrow(/^Sweep point dropout=0.95: Invalid run configuration: model.layers.0.dropout/);
  });
});

describe('summarisePoint and rankPoints', () => {
  const record = (rmse: number | null, validation: number | null): RunRecord =>
    ({
      status: rmse === null ? 'failed' : 'finished',
      failure: rmse === null ? { kind: 'invalid-input', message: 'Too short.' } : null,
      metrics:
        rmse === null
          ? null
          : {
              train: { rmse: 1, mae: 1, mape: 1, smape: 1, mase: 1, count: 1, original: { rmse: 1, mae: 1, mape: 1, smape: 1, mase: 1 } },
              validation: validation === null ? null : { rmse: validation, mae: 1, mape: 1, smape: 1, mase: 1, count: 1, original: { rmse: validation * 10, mae: 1, mape: 1, smape: 1, mase: 1 } },
              test: { rmse, mae: 1, mape: 1, smape: 1, mase: 1, count: 1, original: { rmse: rmse * 10, mae: 1, mape: 1, smape: 1, mase: 1 } },
            },
      baselines: [{ name: 'naive', test: { rmse: 0.2, mae: 1, mape: 1, smape: 1, mase: 1, count: 1, original: { rmse: 2, mae: 1, mape: 1, smape: 1, mase: 1 } } }],
    }) as unknown as RunRecord;

  it('reports medians over seeds, the verdict on the median, failures by sentence, and ranks points without a result last', () => {
    const a = summarisePoint({ point: 0, settings: { units: 2 } }, ['a1', 'a2', 'a3'], [record(0.3, 0.5), record(0.1, 0.2), record(0.15, 0.3)]);
    expect(a.testRmse).toMatchObject({ median: 0.15, min: 0.1, max: 0.3, n: 3 });
    expect(a.validationLoss).toBe(0.3);
    expect(a.verdict).toMatchObject({ beatsBaselines: true, modelRmse: 1.5, bestBaselineRmse: 2 });
    expect(a.verdict?.text).toMatch(/^Beats the best baseline \(naive\): median test RMSE/);
    const b = summarisePoint({ point: 1, settings: { units: 3 } }, ['b1'], [record(0.12, 0.4)]);
    const c = summarisePoint({ point: 2, settings: { units: 4 } }, ['c1'], [record(null, null)]);
    expect(c.failures).toEqual(['Too short.']);
    expect(rankPoints([c, b, a], 'validation').map((p) => p.point)).toEqual([0, 1, 2]);
    expect(rankPoints([c, b, a], 'test').map((p) => p.point)).toEqual([1, 0, 2]);
  });
});
