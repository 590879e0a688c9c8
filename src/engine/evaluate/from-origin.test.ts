import { describe, expect, it } from 'vitest';
import type { Windows } from '../data/windows.js';
import { MAX_RECURSIVE_PREDICTIONS, networkFromOrigin, recursiveFromOrigin } from './from-origin.js';
import { counting, handContext, handSeries } from './test-context.js';

// Series 1..40, MinMax-scaled: row r is r / 39. Split at row 20; 3 time steps, tutorial windows:
// test targets at rows 23, 26, ..., 38.
const STEP = 1 / 39;
const config = { prep: { timeSteps: 3, trainFraction: 0.5 } } as const;

/** A predictor that continues the window's last step H times (exact on a straight line). */
function continueLine(horizon: number, calls: Windows[] = []) {
  return (w: Windows) => {
    calls.push(w);
    const last = w.x[w.timeSteps - 1];
    const slope = w.x[w.timeSteps - 1] - w.x[w.timeSteps - 2];
    return Float32Array.from({ length: horizon }, (_, h) => last + slope * (h + 1));
  };
}

describe('the network from the origin', () => {
  it('starts from the last training window and feeds its predictions back, never reading a test value', async () => {
    const target = Float64Array.from(counting(10), (v) => (v <= 6 ? v : NaN)); // rows 6.. are unknown
    const calls: Windows[] = [];
    const forecast = await recursiveFromOrigin(continueLine(1, calls), target, 5, 3, 1, 4);
    expect(forecast).toEqual([7, 8, 9, 10]);
    expect(Array.from(calls[0].x)).toEqual([4, 5, 6]);
    expect(Array.from(calls[3].x)).toEqual([7, 8, 9]);
  });

  it('an exact one-step predictor scores 0 on a straight line; a naive one scores like the naive baseline from the origin', async () => {
    const ctx = handContext(handSeries([counting(40)]), { config });
    const exact = await networkFromOrigin(ctx, continueLine(1));
    expect(exact!.count).toBe(6);
    expect(exact!.original.mae).toBeLessThan(1e-4);
    const naive = await networkFromOrigin(ctx, (w) => Float32Array.of(w.x[w.timeSteps - 1]));
    // Every target forecast as the last training value 20: errors 4, 7, ..., 19.
    expect(naive!.original.mae).toBeCloseTo(11.5, 4);
    expect(naive!.mae).toBeCloseTo(11.5 * STEP, 6);
  });

  it('a 2-unit head gives 2 values per prediction', async () => {
    const ctx = handContext(handSeries([counting(40)]), { config: { ...config, model: { outputUnits: 2 } } });
    const calls: Windows[] = [];
    const result = await networkFromOrigin(ctx, continueLine(2, calls));
    expect(result!.original.mae).toBeLessThan(1e-4);
    // The last target is row 39 (window 36-38, steps 1-2): 20 values after row 19, 10 predictions.
    expect(calls.length).toBe(10);
  });

  it('a test span longer than the recursion limit is not scored, with the reason', async () => {
    const warnings: string[] = [];
    const long = Array.from({ length: 2 * (MAX_RECURSIVE_PREDICTIONS + 10) }, (_, i) => i);
    const ctx = handContext(handSeries([long]), { config: { prep: { timeSteps: 3, trainFraction: 0.5 } } });
    expect(await networkFromOrigin(ctx, continueLine(1), warnings)).toBeNull();
    expect(warnings[0]).toMatch(/would take \d+ predictions one after another \(at most 5000\); set a smaller test size/);
  });

  it('with extra input columns there is none, and the reason is given', async () => {
    const warnings: string[] = [];
    const ctx = handContext(handSeries([counting(40), counting(40)]), { config });
    expect(await networkFromOrigin(ctx, continueLine(1), warnings)).toBeNull();
    expect(warnings[0]).toMatch(/needs future values of the input columns \(x1\)/);
  });
});
