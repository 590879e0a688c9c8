import { describe, expect, it } from 'vitest';
import { errorMeasures, mae, mape, maseScale, metricSet, rmse, smape } from './metrics.js';

describe('error measures against hand-computed values', () => {
  it('rmse and mae: errors 1, 0, 2', () => {
    expect(rmse([1, 2, 3], [2, 2, 5])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(mae([1, 2, 3], [2, 2, 5])).toBeCloseTo(1, 12);
  });

  it('mape skips zero actual values and is null when all are zero', () => {
    // |0-1|/0 skipped; |2-1|/2 = 0.5; |4-5|/4 = 0.25 → 37.5 %
    expect(mape([0, 2, 4], [1, 1, 5])).toBeCloseTo(37.5, 12);
    expect(mape([0, 0], [1, 2])).toBeNull();
  });

  it('smape skips pairs that are both zero', () => {
    // (0,0) skipped; 2·1/3; 2·1/9 → mean 4/9 → 44.44 %
    expect(smape([0, 2, 4], [0, 1, 5])).toBeCloseTo((100 * 4) / 9, 12);
    expect(smape([0], [0])).toBeNull();
    expect(smape([1], [-1])).toBeCloseTo(200, 12);
  });

  it('maseScale is the in-sample MAE of the seasonal naive forecast', () => {
    expect(maseScale([1, 3, 2, 6])).toBeCloseTo(7 / 3, 12); // |3-1| + |2-3| + |6-2| = 7, over 3
    expect(maseScale([1, 3, 2, 6], 2)).toBeCloseTo(2, 12); // |2-1| + |6-3| = 4, over 2
    expect(maseScale([1, 3], 2)).toBeNull();
    expect(maseScale([5, 5, 5])).toBeNull();
  });

  it('errorMeasures divides MAE by the scale for MASE', () => {
    const m = errorMeasures([1, 2, 3], [2, 2, 5], 0.5);
    expect(m.mase).toBeCloseTo(2, 12);
    expect(errorMeasures([1, 2, 3], [2, 2, 5], null).mase).toBeNull();
    expect(errorMeasures([], [], 1)).toEqual({ rmse: NaN, mae: NaN, mape: null, smape: null, mase: null });
  });

  it('metricSet keeps scaled at the top level and original units apart', () => {
    const set = metricSet({
      actualScaled: [0.1, 0.2],
      predictedScaled: [0.2, 0.2],
      actualOriginal: [10, 20],
      predictedOriginal: [20, 20],
      scale: { scaled: 0.1, original: 10 },
    });
    expect(set.count).toBe(2);
    expect(set.mae).toBeCloseTo(0.05, 12);
    expect(set.mase).toBeCloseTo(0.5, 12);
    expect(set.original.mae).toBeCloseTo(5, 12);
    expect(set.original.rmse).toBeCloseTo(Math.sqrt(50), 12);
    expect(set.original.mape).toBeCloseTo(50, 12);
  });
});
