import { describe, expect, it } from 'vitest';
import { makeWindows, targetPositions } from './windows.js';

/** The tutorial's get_XY(dat, time_steps), transcribed: targets at T, 2T, ...; X = dat[0 : T*rows]. */
function tutorialGetXY(dat: number[], T: number) {
  const yInd: number[] = [];
  for (let i = T; i < dat.length; i += T) yInd.push(i);
  const Y = yInd.map((i) => dat[i]);
  const X = dat.slice(0, T * yInd.length);
  return { X, Y, rows: yInd.length };
}

describe('tutorial windows (get_XY)', () => {
  it('matches get_XY exactly on a small series', () => {
    const dat = Array.from({ length: 11 }, (_, i) => i * 10); // 0,10,...,100
    const w = makeWindows([dat], dat, { timeSteps: 3, windowing: 'tutorial' });
    const ref = tutorialGetXY(dat, 3);
    expect(w.samples).toBe(3);
    expect(w.samples).toBe(ref.rows);
    expect(Array.from(w.x)).toEqual(ref.X);
    expect(Array.from(w.y)).toEqual(ref.Y);
    expect(Array.from(w.y)).toEqual([30, 60, 90]);
    expect(w.targetIndex).toEqual([3, 6, 9]);
  });

  it('gives 187 training and 46 test windows on 2820 sunspot months', () => {
    const split = Math.floor(2820 * 0.8);
    expect(split).toBe(2256);
    expect(targetPositions(split, { timeSteps: 12, windowing: 'tutorial' })).toHaveLength(187);
    expect(targetPositions(2820 - split, { timeSteps: 12, windowing: 'tutorial' })).toHaveLength(46);
  });

  it('agrees with get_XY for many lengths and window sizes', () => {
    for (let n = 1; n < 60; n++) {
      for (const T of [1, 2, 3, 5, 12]) {
        const dat = Array.from({ length: n }, (_, i) => i);
        const w = makeWindows([dat], dat, { timeSteps: T, windowing: 'tutorial' });
        const ref = tutorialGetXY(dat, T);
        expect(w.samples).toBe(ref.rows);
        expect(Array.from(w.y)).toEqual(ref.Y);
        expect(Array.from(w.x)).toEqual(ref.X);
      }
    }
  });
});

describe('sliding windows and horizons', () => {
  it('takes every start position with stride 1', () => {
    const dat = [1, 2, 3, 4, 5, 6];
    const w = makeWindows([dat], dat, { timeSteps: 2, windowing: 'sliding' });
    expect(w.samples).toBe(4);
    expect(Array.from(w.x)).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
    expect(Array.from(w.y)).toEqual([3, 4, 5, 6]);
  });

  it('keeps only samples whose H targets all exist', () => {
    const dat = [1, 2, 3, 4, 5, 6];
    const w = makeWindows([dat], dat, { timeSteps: 2, windowing: 'sliding', horizon: 3 });
    expect(w.samples).toBe(2);
    expect(Array.from(w.y)).toEqual([3, 4, 5, 4, 5, 6]);
  });

  it('interleaves several features per time step', () => {
    const a = [1, 2, 3, 4];
    const b = [10, 20, 30, 40];
    const w = makeWindows([a, b], a, { timeSteps: 2, windowing: 'tutorial' });
    expect(w.features).toBe(2);
    expect(Array.from(w.x)).toEqual([1, 10, 2, 20]);
    expect(Array.from(w.y)).toEqual([3]);
  });
});
