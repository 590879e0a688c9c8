import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arimaForecaster, disposeArima, fitAutoArima } from './arima.js';

const column = (dataset: string) =>
  readFileSync(new URL(`../../../../resources/datasets/${dataset}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => Number(row.split(',')[1]));

describe('AutoARIMA (arima package)', () => {
  it('forecasts from a later origin with the actual values up to it, the coefficients unchanged', () => {
    const passengers = column('air-passengers');
    const result = fitAutoArima(passengers.slice(0, 120), 12);
    if (!('fit' in result)) throw new Error(result.reason);
    const forecast = arimaForecaster(result.fit, passengers);
    const fromEnd = forecast(119, 13);
    // The same origin twice gives the same forecasts; a later origin uses the newer actual values.
    expect(forecast(119, 13)).toEqual(fromEnd);
    const later = forecast(131, 1)[0];
    expect(later).not.toBeCloseTo(fromEnd[12], 3);
    expect(Math.abs(later - passengers[132])).toBeLessThan(Math.abs(fromEnd[12] - passengers[132]));
    expect(() => forecast(100, 1)).toThrow(/need 120 values/);
    disposeArima(result.fit);
  });

  it('leaves out a search that ends in implausible forecasts, with the reason (DAX, rows 488-1487)', () => {
    const dax = column('eu-stock-markets');
    const result = fitAutoArima(dax.slice(488, 1488), 1);
    expect('reason' in result && result.reason).toMatch(/implausible forecast .* one step after the last training value 3382/);
  });

  it('refuses a constant series', () => {
    expect(fitAutoArima(new Array(50).fill(3), 1)).toEqual({ reason: 'the training part is constant' });
  });
});
