import { describe, expect, it } from 'vitest';
import { rmse } from './metrics.js';

describe('rmse', () => {
  it('is the root of the mean squared error, as the tutorial computes it', () => {
    expect(rmse([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(rmse([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 12);
  });
});
