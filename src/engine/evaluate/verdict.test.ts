import { describe, expect, it } from 'vitest';
import type { BaselineResult, MetricSet } from '../../contract/run-result.js';
import { forecasterLabel, runVerdict } from './verdict.js';

const set = (rmse: number): MetricSet => ({ rmse: rmse / 100, mae: 0, mape: null, smape: null, mase: null, count: 12, original: { rmse, mae: 0, mape: null, smape: null, mase: null } });
const baseline = (name: string, kind: 'baseline' | 'reference', test: number, fromOrigin: number | null): BaselineResult => ({
  name,
  description: name,
  kind,
  test: set(test),
  fromOrigin: fromOrigin === null ? null : set(fromOrigin),
});

describe('the run verdict', () => {
  const baselines = [baseline('naive', 'baseline', 53, 90), baseline('mean', 'baseline', 240, 240), baseline('ets', 'reference', 24, 30), baseline('arima', 'reference', 20.5, 35)];

  it('names the single best of baselines and references, per protocol, in one sentence each', () => {
    const verdict = runVerdict({ test: set(23.1), testFromOrigin: set(28) }, baselines)!;
    expect(verdict.oneStep).toEqual({ best: 'arima', kind: 'reference', bestRmse: 20.5, modelRmse: 23.1, beatsBest: false });
    expect(verdict.fromOrigin).toEqual({ best: 'ets', kind: 'reference', bestRmse: 30, modelRmse: 28, beatsBest: true });
    expect(verdict.text).toBe(
      'One step ahead, the network does not beat the best baseline or reference, arima (reference): test RMSE 23.1 vs 20.5 (13 % higher). ' +
        'From the origin, the network beats the best baseline or reference, ets (reference): test RMSE 28.0 vs 30.0 (7 % lower).',
    );
  });

  it('has no from-origin part without the network\'s from-origin score, and no verdict without baselines', () => {
    expect(runVerdict({ test: set(60), testFromOrigin: null }, baselines.slice(0, 2))).toMatchObject({
      oneStep: { best: 'naive', kind: 'baseline', beatsBest: false },
      fromOrigin: null,
    });
    expect(runVerdict({ test: set(60) }, [])).toBeNull();
  });

  it('labels references as the results page does', () => {
    expect(forecasterLabel({ name: 'theta', kind: 'reference' })).toBe('theta (reference)');
    expect(forecasterLabel({ name: 'seasonal-naive', kind: 'baseline' })).toBe('seasonal-naive');
  });
});
