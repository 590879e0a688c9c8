import { describe, expect, it } from 'vitest';
import type { RunRecord, SweepPoint } from '../../../../contract/run-history';
import type { RunResult } from '../../../../contract/run-result';
import { compareLossOption, comparePredictionOption, spreadOption, sweepScatterOption } from './runs-charts';

type Series = { name: string; data: unknown[] };
const seriesOf = (option: unknown) => (option as { series: Series[] }).series;

const record = (runId: string, losses: number[], valLosses: Array<number | null>): RunRecord =>
  ({ runId, name: runId, history: losses.map((loss, i) => ({ epoch: i + 1, loss, valLoss: valLosses[i] ?? null, seconds: 1 })) }) as unknown as RunRecord;

describe('Runs panel charts', () => {
  it('overlays one loss line per run (and a dashed validation line where there is one)', () => {
    const series = seriesOf(compareLossOption([record('a', [0.3, 0.2], [0.4, 0.35]), record('b', [0.5, 0.1], [])]));
    expect(series.map((s) => s.name)).toEqual(['1. a', '1. a (validation)', '2. b']);
    expect(series[2].data).toEqual([[1, 0.5], [2, 0.1]]);
  });

  it('overlays the test predictions of each run on the actual values', () => {
    const result = (offset: number) =>
      ({ predictions: [{ index: 5, split: 'train', step: 1, actual: 1, predicted: 1 }, { index: 9, split: 'test', step: 1, actual: 3, predicted: 3 + offset }] }) as unknown as RunResult;
    const series = seriesOf(comparePredictionOption([record('a', [], []), record('b', [], [])], [result(0.5), result(-1)]));
    expect(series.map((s) => s.name)).toEqual(['Actual', '1. a', '2. b']);
    expect(series[0].data).toEqual([[9, 3]]);
    expect(series[2].data).toEqual([[9, 2]]);
  });

  it('plots a sweep setting against the ranking error, and the spread band of seeds', () => {
    const point = (units: number, v: number | null) => ({ point: units, settings: { units }, validationLoss: v, testRmse: null }) as unknown as SweepPoint;
    const scatter = seriesOf(sweepScatterOption([point(2, 0.3), point(4, null), point(8, 0.1)], 'units', 'validation'));
    expect(scatter[0].data).toEqual([[2, 0.3, 'units=2'], [8, 0.1, 'units=8']]);
    const band = seriesOf(spreadOption([{ index: 1, time: null, actual: 5, median: 4, min: 3, max: 6 }]));
    expect(band.map((s) => s.data[0])).toEqual([3, 3, 4, 5]);
  });
});
