/**
 * Calendar features: the exact sin/cos of each period's phase for known dates, as model inputs appended by
 * loadSeries after the input columns, and one sentence for a file without a time column.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, parseRunConfig } from '../../contract/run-config.js';
import { projectTimesMs } from '../evaluate/time-labels.js';
import { calendarFeatureNames, calendarValues } from './calendar-features.js';
import { loadSeries } from './load-series.js';

const at = (iso: string) => Date.parse(iso);
const angle = (fraction: number) => [Math.sin(2 * Math.PI * fraction), Math.cos(2 * Math.PI * fraction)];
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-calendar-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('calendar feature values', () => {
  it('month: January is phase 0 (sin 0, cos 1), April a quarter turn (sin 1), July half a turn (cos -1)', () => {
    expect(calendarValues(['month'], at('1949-01-01T00:00:00Z'))).toEqual([0, 1]);
    expect(calendarValues(['month'], at('1949-04-15T00:00:00Z'))).toEqual(angle(3 / 12));
    expect(calendarValues(['month'], at('1949-04-15T00:00:00Z'))[0]).toBe(1);
    expect(calendarValues(['month'], at('1960-07-01T00:00:00Z'))).toEqual(angle(6 / 12));
    expect(calendarValues(['month'], at('1960-07-01T00:00:00Z'))[1]).toBe(-1);
  });

  it('dayOfWeek counts from Sunday; hour is the time of day; dayOfYear counts from 1 January over 365 or 366 days', () => {
    // 2024-01-07 was a Sunday, 2024-01-10 a Wednesday.
    expect(calendarValues(['dayOfWeek'], at('2024-01-07T12:00:00Z'))).toEqual([0, 1]);
    expect(calendarValues(['dayOfWeek'], at('2024-01-10T00:00:00Z'))).toEqual(angle(3 / 7));
    expect(calendarValues(['hour'], at('2012-03-01T06:00:00Z'))).toEqual(angle(0.25));
    expect(calendarValues(['hour'], at('2012-03-01T18:30:00Z'))).toEqual(angle(18.5 / 24));
    expect(calendarValues(['dayOfYear'], at('2023-01-01T00:00:00Z'))).toEqual([0, 1]);
    expect(calendarValues(['dayOfYear'], at('2023-12-31T00:00:00Z'))).toEqual(angle(364 / 365));
    expect(calendarValues(['dayOfYear'], at('2024-12-31T00:00:00Z'))).toEqual(angle(365 / 366));
    // Several features: pairs in the order asked, named accordingly.
    expect(calendarValues(['hour', 'month'], at('2012-03-01T06:00:00Z'))).toEqual([...angle(0.25), ...angle(2 / 12)]);
    expect(calendarFeatureNames(['hour', 'month'])).toEqual(['hour_sin', 'hour_cos', 'month_sin', 'month_cos']);
  });

  it('the run configuration takes them (default none) and refuses an unknown or repeated name', () => {
    expect(parseRunConfig({ data: { path: 'x.csv' } }).data.calendarFeatures).toEqual([]);
    expect(() => parseRunConfig({ data: { path: 'x.csv', calendarFeatures: ['week'] } })).toThrow(InvalidInputError);
    expect(() => parseRunConfig({ data: { path: 'x.csv', calendarFeatures: ['month', 'month'] } })).toThrow(/must name each calendar feature once/);
  });
});

describe('the times of future rows (their calendar features)', () => {
  it('steps monthly labels by calendar months, ISO date-times by their constant step, and knows nothing of uneven labels', () => {
    expect(projectTimesMs(['1960-11', '1960-12'], 3)).toEqual([Date.UTC(1961, 0, 1), Date.UTC(1961, 1, 1), Date.UTC(1961, 2, 1)]);
    expect(projectTimesMs(['2012-03-01 22:00', '2012-03-01 23:00'], 2)).toEqual([Date.UTC(2012, 2, 2, 0), Date.UTC(2012, 2, 2, 1)]);
    expect(projectTimesMs(['2012-03-01 22:00', '2012-03-01 23:00', '2012-03-02 01:00'], 2)).toBeNull();
    expect(projectTimesMs(null, 2)).toBeNull();
  });
});

describe('loadSeries with calendar features', () => {
  it('appends the sin/cos columns after the input columns, from the time labels', async () => {
    const config = parseRunConfig({ data: { path: resolve('resources/datasets/air-passengers.csv'), calendarFeatures: ['month'] } });
    const series = await loadSeries(config.data);
    expect(series.inputColumns).toEqual(['month_sin', 'month_cos']);
    expect(series.features).toHaveLength(3);
    expect(series.time?.[3]).toBe('1949-04');
    expect(series.features[1][3]).toBe(1);
    expect(series.features[2][0]).toBe(1);
    expect(series.features[2][6]).toBe(-1);
    expect(series.features[1][15]).toBe(series.features[1][3]);
  });

  it('keeps the rows the missing-value policy keeps, and reads dates in the column\'s own format', async () => {
    const csv = join(root, 'daily.csv');
    await writeFile(csv, 'Date,Load,Temp\n07.01.2024,1,3\n08.01.2024,,4\n09.01.2024,3,5\n10.01.2024,4,6\n');
    const series = await loadSeries({ path: csv, column: 'Load', inputColumns: ['Temp'], timeColumn: null, missing: 'drop', calendarFeatures: ['dayOfWeek'] });
    expect(series.inputColumns).toEqual(['Temp', 'dayOfWeek_sin', 'dayOfWeek_cos']);
    expect(Array.from(series.features[1])).toEqual([3, 5, 6]);
    expect([series.features[2][0], series.features[3][0]]).toEqual([0, 1]);
    expect([series.features[2][2], series.features[3][2]]).toEqual(angle(3 / 7));
  });

  it('timeColumn false numbers the rows of a file with dates, and calendar features then say that none was chosen', async () => {
    const path = resolve('resources/datasets/air-passengers.csv');
    const numbered = await loadSeries(parseRunConfig({ data: { path, timeColumn: false } }).data);
    expect(numbered).toMatchObject({ column: 'Passengers', timeColumn: null, time: null });
    expect(numbered.features[0]).toHaveLength(144);
    expect((await loadSeries(parseRunConfig({ data: { path } }).data)).timeColumn).toBe('Month');
    const load = loadSeries(parseRunConfig({ data: { path, timeColumn: false, calendarFeatures: ['month'] } }).data);
    await expect(load).rejects.toThrow(InvalidInputError);
    await expect(load).rejects.toThrow(
      'Calendar features (month) are computed from the time column, and the rows of air-passengers.csv are numbered (no time column was chosen); pick its date or time column.',
    );
  });

  it('refuses a file without a time column in one sentence', async () => {
    const csv = join(root, 'numbers.csv');
    await writeFile(csv, 'Value\n' + Array.from({ length: 30 }, (_, i) => String(i % 7)).join('\n') + '\n');
    const load = loadSeries({ path: csv, column: null, inputColumns: [], timeColumn: null, missing: 'drop', calendarFeatures: ['month', 'hour'] });
    await expect(load).rejects.toThrow(InvalidInputError);
    await expect(load).rejects.toThrow(
      'Calendar features (month, hour) are computed from the time column, and numbers.csv has none that was detected; pick its date or time column.',
    );
  });
});
