import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeries } from '../data/load-series.js';
import { engineImplementation } from '../engine-calls.js';
import { autocorrelation, calendarSeasons, detectSeasonLength, detrend, seasonFromTime } from './season.js';

function trainingPart(dataset: string): number[] {
  const rows = readFileSync(new URL(`../../../resources/datasets/${dataset}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1);
  const values = rows.map((row) => Number(row.split(',')[1]));
  return values.slice(0, Math.floor(values.length * 0.8));
}

describe('autocorrelation and detrending', () => {
  it('computes the ACF by hand on 1, 2, 3, 4', () => {
    // deviations -1.5 -0.5 0.5 1.5, sum of squares 5
    const r = autocorrelation([1, 2, 3, 4], 2)!;
    expect(r[0]).toBeCloseTo(1, 12);
    expect(r[1]).toBeCloseTo((0.75 - 0.25 + 0.75) / 5, 12);
    expect(r[2]).toBeCloseTo((-0.75 - 0.75) / 5, 12);
    expect(autocorrelation([3, 3, 3], 1)).toBeNull();
  });

  it('detrend removes the least-squares line', () => {
    // 1, 4, 3: line 1.33 + 1·t → residuals -1/3, 2/3, -1/3
    const residuals = detrend([1, 3, 3]);
    expect(Array.from(residuals).map((v) => +v.toFixed(12))).toEqual([-1 / 3, 2 / 3, -1 / 3].map((v) => +v.toFixed(12)));
  });
});

describe('detectSeasonLength', () => {
  it('finds 12 in a sine of period 12, also on a trend', () => {
    const sine = Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 12));
    expect(detectSeasonLength(sine)).toBe(12);
    expect(detectSeasonLength(sine.map((v, t) => v + 0.05 * t))).toBe(12);
  });

  it('respects maxLag and needs lag >= 2', () => {
    const period20 = Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 20));
    expect(detectSeasonLength(period20)).toBe(20);
    expect(detectSeasonLength(period20, 15)).toBeNull();
    const alternating = Array.from({ length: 100 }, (_, t) => (t % 2 ? 1 : -1));
    expect(detectSeasonLength(alternating)).toBe(2);
  });

  it('is null for a constant, a straight line and a too short series', () => {
    expect(detectSeasonLength(new Array(50).fill(7))).toBeNull();
    expect(detectSeasonLength(Array.from({ length: 50 }, (_, t) => 3 * t + 1))).toBeNull();
    expect(detectSeasonLength([1, 2, 1, 2, 1])).toBeNull();
  });

  it('finds the yearly season of air passengers and Nottingham temperatures (training part)', () => {
    expect(detectSeasonLength(trainingPart('air-passengers'))).toBe(12);
    expect(detectSeasonLength(trainingPart('nottingham-temperature'))).toBe(12);
  });

  it('finds the ~11-year solar cycle in the monthly sunspots (training part)', () => {
    const m = detectSeasonLength(trainingPart('sunspots'))!;
    expect(m).toBeGreaterThanOrEqual(120);
    expect(m).toBeLessThanOrEqual(135);
  });
});

/** Time labels of the first `n` rows of a bundled dataset (its first column). */
function trainingTimes(dataset: string): string[] {
  const rows = readFileSync(new URL(`../../../resources/datasets/${dataset}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1);
  return rows.map((row) => row.split(',')[0]).slice(0, Math.floor(rows.length * 0.8));
}

const hourLabels = (n: number) => Array.from({ length: n }, (_, t) => new Date(Date.UTC(2024, 0, 1) + t * 3_600_000).toISOString().slice(0, 16).replace('T', ' '));

describe('season from the time column first, the ACF second', () => {
  it('reads the step of hourly, daily, business-daily, weekly, monthly and quarterly labels', () => {
    expect(seasonFromTime(hourLabels(48))).toEqual({ m: 24, frequency: 'hourly' });
    expect(seasonFromTime(['2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z'])?.m).toBe(24);
    const days = Array.from({ length: 30 }, (_, t) => new Date(Date.UTC(2024, 0, 1) + t * 86_400_000).toISOString().slice(0, 10));
    expect(seasonFromTime(days)).toEqual({ m: 7, frequency: 'daily' });
    const weekdays = days.filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
    expect(seasonFromTime(weekdays)).toEqual({ m: 5, frequency: 'business-daily' });
    expect(seasonFromTime(days.filter((_, i) => i % 7 === 0))?.m).toBe(52);
    expect(seasonFromTime(['1949-01', '1949-02', '1949-03'])).toEqual({ m: 12, frequency: 'monthly' });
    expect(seasonFromTime(['2020-01-01', '2020-02-01', '2020-03-01'])?.m).toBe(12);
    expect(seasonFromTime(['1990 Q1', '1990 Q2', '1990 Q3', '1990 Q4'])).toEqual({ m: 4, frequency: 'quarterly' });
    expect(seasonFromTime(['1', '2', '3'])).toBeNull();
    expect(seasonFromTime(['1990', '1991', '1992'])).toBeNull();
    expect(seasonFromTime(null)).toBeNull();
  });

  it('hourly data with a daily and a weekly cycle: 24 from the time column, where the ACF alone finds the week', () => {
    const n = 24 * 7 * 8;
    const values = Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / 24) + 0.7 * Math.sin((2 * Math.PI * t) / 168));
    expect(detectSeasonLength(values)).toBe(168);
    expect(detectSeasonLength(values, undefined, hourLabels(n))).toBe(24);
  });

  it('PM2.5 of pollution.csv (hourly, time from year/month/day/hour): 24, not the 72 the ACF alone finds', async (context) => {
    const path = resolve('../shared/datasets/real/pollution.csv');
    if (!existsSync(path)) {
      context.skip(`${path} is not here`);
      return;
    }
    const series = await loadSeries({ path, column: 'pm2.5', inputColumns: [], timeColumn: null, missing: 'interpolate' });
    const split = Math.floor(series.features[0].length * 0.8);
    expect(series.timeColumn).toBe('year-month-day-hour');
    expect(detectSeasonLength(series.features[0].subarray(0, split))).toBe(72);
    expect(detectSeasonLength(series.features[0].subarray(0, split), undefined, series.time!.slice(0, split))).toBe(24);
  }, 120_000);

  it('daily rows have the week and the year; monthly rows the year only', () => {
    const days = Array.from({ length: 30 }, (_, t) => new Date(Date.UTC(2024, 0, 1) + t * 86_400_000).toISOString().slice(0, 10));
    expect(calendarSeasons(seasonFromTime(days))).toEqual([7, 365]);
    expect(calendarSeasons(seasonFromTime(['1949-01', '1949-02', '1949-03']))).toEqual([12]);
    expect(calendarSeasons(seasonFromTime(hourLabels(48)))).toEqual([24]);
    expect(calendarSeasons(null)).toEqual([]);
  });

  it('PM2.5 of pollution.csv resampled to daily means: the year (365), where the ACF alone peaks highest at 337', async (context) => {
    const path = resolve('../shared/datasets/real/pollution.csv');
    if (!existsSync(path)) {
      context.skip(`${path} is not here`);
      return;
    }
    const resample = { every: 'day' as const, how: 'mean' as const };
    const series = await loadSeries({ path, column: 'pm2.5', inputColumns: [], timeColumn: null, missing: 'interpolate', resample });
    const values = series.features[0];
    expect(values).toHaveLength(1826);
    expect(seasonFromTime(series.time)).toEqual({ m: 7, frequency: 'daily' });
    // No weekly peak: r[7] is below the significance bound and lower than r[8].
    const r = autocorrelation(detrend(values), 400)!;
    expect(r[7]).toBeLessThan(2 / Math.sqrt(values.length));
    expect(r[7]).toBeLessThan(r[8]);
    // The yearly hump is broad and ragged: its highest point is at 337 (and r[365] itself is no peak).
    expect(r[365] > r[364] && r[365] >= r[366]).toBe(false);
    expect(detectSeasonLength(values)).toBe(337);
    expect(detectSeasonLength(values, undefined, series.time)).toBe(365);
    // The training part (80 %), as a run's evaluation sees it: its highest point is 377, the season 365.
    const split = Math.floor(values.length * 0.8);
    expect(detectSeasonLength(values.subarray(0, split))).toBe(377);
    expect(detectSeasonLength(values.subarray(0, split), undefined, series.time!.slice(0, split))).toBe(365);
    // The Data tab's structure of the same series (describeSeries) says 365 and decomposes with it.
    const structure = await engineImplementation.describeSeries({ path, column: 'pm2.5', timeColumn: null, missing: 'interpolate', resample });
    expect(structure).toMatchObject({ rows: 1826, detectedSeasonLength: 365, seasonLength: 365 });
    expect(structure.decomposition?.seasonLength).toBe(365);
  }, 120_000);

  it('monthly air passengers: 12 from the time column; monthly sunspots do not show 12 and keep the solar cycle', () => {
    expect(detectSeasonLength(trainingPart('air-passengers'), undefined, trainingTimes('air-passengers'))).toBe(12);
    const m = detectSeasonLength(trainingPart('sunspots'), undefined, trainingTimes('sunspots'))!;
    expect(m).toBeGreaterThanOrEqual(120);
    expect(m).toBeLessThanOrEqual(135);
  });
});
