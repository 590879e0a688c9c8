import { describe, expect, it } from 'vitest';
import { MinMaxScaler } from './scaler.js';

describe('MinMaxScaler', () => {
  it('maps min to 0 and max to 1, like scikit-learn', () => {
    const s = MinMaxScaler.fit([[2, 4, 6, 10]]);
    expect(Array.from(s.transform([2, 4, 6, 10]))).toEqual([0, 0.25, 0.5, 1]);
  });

  it('inverts exactly', () => {
    const values = [58, 62.6, 70, 55.7, 0, 253.8];
    const s = MinMaxScaler.fit([values]);
    const back = s.inverse(s.transform(values));
    values.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 10));
  });

  it('scales features independently and maps a constant feature to 0', () => {
    const s = MinMaxScaler.fit([[0, 10], [5, 5]]);
    expect(s.transformValue(5, 0)).toBe(0.5);
    expect(s.transformValue(5, 1)).toBe(0);
    expect(s.inverseValue(0, 1)).toBe(5);
  });

  it('lets values outside the fitted range go outside [0, 1]', () => {
    const s = MinMaxScaler.fit([[0, 10]]);
    expect(s.transformValue(20)).toBe(2);
  });
});
