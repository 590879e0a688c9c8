import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../contract/run-config.js';
import { handSeries } from '../evaluate/test-context.js';
import { prepareData, splitIndexOf } from './prepare.js';

const series = handSeries([Array.from({ length: 144 }, (_, i) => i)]);
const prepOf = (prep: object) => parseRunConfig({ data: { path: 'x.csv' }, prep }).prep;

describe('the test part as the last N rows (prep.testSize)', () => {
  it('is off by default: the split stays floor(n * trainFraction)', () => {
    expect(prepOf({}).testSize).toBeNull();
    expect(prepareData(series, prepOf({})).splitIndex).toBe(115);
  });

  it('splits before the last N rows, whatever the train fraction', () => {
    const prepared = prepareData(series, prepOf({ testSize: 36, trainFraction: 0.5, windowing: 'sliding' }));
    expect(prepared.splitIndex).toBe(108);
    expect(splitIndexOf(144, { trainFraction: 0.8, testSize: 36 })).toBe(108);
    // Sliding windows of 12: targets at test rows 12..35, i.e. series rows 120..143.
    expect(prepared.test.samples).toBe(24);
  });

  it('a test part too short for one window is refused with one sentence', () => {
    expect(() => prepareData(series, prepOf({ testSize: 12 }))).toThrow(/^Too few rows for the window: 144 rows split before the last 12 give 10 training and 0 test windows of 12 time steps; the test part needs at least 13 rows\. Set a larger test size/);
    expect(() => prepOf({ testSize: 0 })).toThrow(/prep\.testSize/);
  });
});
