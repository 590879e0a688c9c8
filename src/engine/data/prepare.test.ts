import { describe, expect, it } from 'vitest';
import { InvalidInputError, PrepSpecSchema } from '../../contract/run-config.js';
import { prepareData } from './prepare.js';
import type { SeriesData } from './series.js';

function series(values: number[]): SeriesData {
  return {
    path: 'memory.csv', name: 'memory.csv', sha256: '', column: 'v', inputColumns: [], timeColumn: null, time: null,
    features: [Float64Array.from(values)], missingHandled: 0, rowsInFile: values.length,
  };
}

describe('prepareData', () => {
  it('fits the scaler on the whole series by default (tutorial) and splits at floor(n * fraction)', () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    const p = prepareData(series(values), PrepSpecSchema.parse({ timeSteps: 3 }));
    expect(p.splitIndex).toBe(32);
    expect(p.scaler.max[0]).toBe(39);
    expect(p.train.samples).toBe(10); // targets 3,6,...,30
    expect(p.test.samples).toBe(2); // test part has 8 values: targets at 3, 6
    expect(p.train.y[0]).toBeCloseTo(3 / 39, 6);
    expect(p.test.targetIndex.map((i) => i + p.offsets.test)).toEqual([35, 38]);
  });

  it('can fit on the training part only', () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    const p = prepareData(series(values), PrepSpecSchema.parse({ timeSteps: 3, scalerFit: 'train' }));
    expect(p.scaler.max[0]).toBe(31);
  });

  it('holds out the last training windows for validation', () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    const p = prepareData(series(values), PrepSpecSchema.parse({ timeSteps: 3, validationFraction: 0.2 }));
    expect(p.train.samples).toBe(8);
    expect(p.validation?.samples).toBe(2);
    expect(p.validation?.targetIndex).toEqual([27, 30]);
  });

  it('says how many rows are needed when there are too few for the window', () => {
    expect(() => prepareData(series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), PrepSpecSchema.parse({ timeSteps: 12 }))).toThrow(InvalidInputError);
    expect(() => prepareData(series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), PrepSpecSchema.parse({ timeSteps: 12 }))).toThrow(/needs at least 61 rows/);
  });
});
