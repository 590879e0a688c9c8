/**
 * Data preparation as loadSeries applies it to real CSV files: a date range, resampling to a coarser
 * frequency, categorical inputs as one-hot columns, and the sentences for what cannot be done.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSpecSchema, InvalidInputError, parseRunConfig, type DataSpec } from '../../contract/run-config.js';
import { timeLabelMs } from '../evaluate/time-labels.js';
import { loadSeries, loadSeriesPreview } from './load-series.js';
import { MAX_ONE_HOT_CATEGORIES } from './one-hot.js';

const folder = mkdtempSync(join(tmpdir(), 'data-prep-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(content: string, name = `file-${++fileCount}.csv`): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}
const spec = (path: string, rest: Partial<DataSpec> = {}): DataSpec => DataSpecSchema.parse({ path, ...rest });
const refusal = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as Error).message;
};

/** 3 days of hourly rows: value = day * 100 + hour, wind NE before noon and SE after, one gap. */
function hourlyCsv(): string {
  const rows = ['when,value,wind'];
  for (let day = 1; day <= 3; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const value = day === 2 && hour === 5 ? 'NA' : String(day * 100 + hour);
      rows.push(`2021-03-0${day} ${String(hour).padStart(2, '0')}:00,${value},${hour < 12 ? 'NE' : 'SE'}`);
    }
  }
  return csvFile(rows.join('\n') + '\n');
}

describe('resampling', () => {
  it('combines hourly rows into daily mean, sum, last, min and max, leaving missing values out of a period', async () => {
    const path = hourlyCsv();
    const hourSum = (day: number, skip?: number) => Array.from({ length: 24 }, (_, h) => (h === skip ? 0 : day * 100 + h)).reduce((a, b) => a + b);
    const expected = {
      mean: [hourSum(1) / 24, hourSum(2, 5) / 23, hourSum(3) / 24],
      sum: [hourSum(1), hourSum(2, 5), hourSum(3)],
      last: [123, 223, 323],
      min: [100, 200, 300],
      max: [123, 223, 323],
    };
    for (const [how, values] of Object.entries(expected)) {
      const series = await loadSeries(spec(path, { column: 'value', resample: { every: 'day', how: how as 'mean' } }));
      expect(series.time).toEqual(['2021-03-01', '2021-03-02', '2021-03-03']);
      expect(Array.from(series.features[0])).toEqual(values);
      expect(series.missingHandled).toBe(0);
    }
  });

  it('keeps every period between the first and the last: an empty one is missing and goes to the missing-value policy', async () => {
    const path = csvFile('date,v\n2020-01-01,1\n2020-01-02,3\n2020-03-05,10\n2020-03-06,20\n');
    const filled = await loadSeries(spec(path, { resample: { every: 'month', how: 'sum' }, missing: 'interpolate' }));
    expect(filled.time).toEqual(['2020-01', '2020-02', '2020-03']);
    expect(Array.from(filled.features[0])).toEqual([4, 17, 30]);
    expect(filled.missingHandled).toBe(1);
    const dropped = await loadSeries(spec(path, { resample: { every: 'month', how: 'sum' }, missing: 'drop' }));
    expect(dropped.time).toEqual(['2020-01', '2020-03']);
  });

  it('labels weeks by their Monday, quarters by their first month and years by the year', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => {
      const day = new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      return `${day},1`;
    });
    const path = csvFile(['day,v', ...rows].join('\n'));
    const weekly = await loadSeries(spec(path, { resample: { every: 'week', how: 'sum' } }));
    // 2021-01-01 was a Friday: its week began on Monday 2020-12-28 and holds 3 of the rows.
    expect(weekly.time!.slice(0, 2)).toEqual(['2020-12-28', '2021-01-04']);
    expect(Array.from(weekly.features[0].slice(0, 2))).toEqual([3, 7]);
    const quarterly = await loadSeries(spec(path, { resample: { every: 'quarter', how: 'sum' } }));
    expect(quarterly.time).toEqual(['2021-01', '2021-04', '2021-07', '2021-10', '2022-01']);
    expect(Array.from(quarterly.features[0])).toEqual([90, 91, 92, 92, 35]);
    const yearly = await loadSeries(spec(path, { resample: { every: 'year', how: 'sum' } }));
    expect(yearly.time).toEqual(['2021', '2022']);
  });

  it('reads the time in the column format (day-first dates) and a time composed of year, month, day and hour columns', async () => {
    const dayFirst = csvFile('Datum;Wert\n30.01.2020;1\n31.01.2020;2\n01.02.2020;5\n02.02.2020;7\n');
    const monthly = await loadSeries(spec(dayFirst, { resample: { every: 'month', how: 'mean' } }));
    expect(monthly.time).toEqual(['2020-01', '2020-02']);
    expect(Array.from(monthly.features[0])).toEqual([1.5, 6]);
    const composed = csvFile('No,year,month,day,hour,pm\n1,2010,1,1,0,10\n2,2010,1,1,1,20\n3,2010,1,2,0,30\n4,2010,1,2,1,50\n');
    const daily = await loadSeries(spec(composed, { column: 'pm', resample: { every: 'day', how: 'mean' } }));
    expect(daily).toMatchObject({ timeColumn: 'year-month-day-hour', time: ['2010-01-01', '2010-01-02'] });
    expect(Array.from(daily.features[0])).toEqual([15, 40]);
  });

  it('refuses a frequency that is not coarser than the data, and resampling without a time column', async () => {
    const monthly = csvFile('Month,v\n2020-01,1\n2020-02,2\n2020-03,3\n2020-04,4\n');
    expect(await refusal(loadSeries(spec(monthly, { resample: { every: 'day', how: 'mean' } })))).toMatch(
      /rows are already 31 days apart .*"Month".*daily periods would not combine rows; resample to a coarser frequency/,
    );
    expect(await refusal(loadSeries(spec(monthly, { resample: { every: 'month', how: 'mean' } })))).toMatch(/monthly periods would not combine rows/);
    const numbered = csvFile('a,b\n1,2\n3,4\n5,6\n');
    expect(await refusal(loadSeries(spec(numbered, { resample: { every: 'day', how: 'mean' } })))).toBe(
      `A date range and resampling need a time column, and ${'file-' + fileCount + '.csv'} has none that was detected; pick its date or time column.`,
    );
  });

  it('refuses a row whose time cannot be read, naming the row', async () => {
    const path = csvFile('when,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n2020-01-04,4\n2020-01-05,5\n2020-01-06,6\n2020-01-07,7\n2020-01-08,8\n2020-01-09,9\n2020-01-10,10\n2020-01-11,11\n2020-01-12,12\n2020-01-13,13\n2020-01-14,14\n2020-01-15,15\n2020-01-16,16\n2020-01-17,17\n2020-01-18,18\n2020-01-19,19\n2020-01-20,20\n2020-01-21,21\nsoon,22\n');
    expect(await refusal(loadSeries(spec(path, { resample: { every: 'week', how: 'mean' } })))).toMatch(
      /^Row 22 of file-\d+\.csv has the time "soon" in "when", which cannot be read as a date in its format YYYY-MM-DD;/,
    );
  });
});

describe('date range', () => {
  it('keeps the rows from the first bound to the end of the last (whole days, months or years), before resampling', async () => {
    const path = hourlyCsv();
    const oneDay = await loadSeries(spec(path, { column: 'value', dateRange: { from: '2021-03-02', to: '2021-03-02' } }));
    expect(oneDay.time).toHaveLength(24);
    expect(oneDay.time![0]).toBe('2021-03-02 00:00');
    expect(oneDay.time![23]).toBe('2021-03-02 23:00');
    const fromNoon = await loadSeries(spec(path, { column: 'value', dateRange: { from: '2021-03-03 12:00', to: null }, resample: { every: 'day', how: 'min' } }));
    expect(fromNoon.time).toEqual(['2021-03-03']);
    expect(Array.from(fromNoon.features[0])).toEqual([312]);
    const wholeMonth = await loadSeries(spec(path, { column: 'value', dateRange: { from: null, to: '2021-03' } }));
    expect(wholeMonth.time).toHaveLength(72);
  });

  it('says so when no row falls in the range, or the range is backwards', async () => {
    const path = hourlyCsv();
    expect(await refusal(loadSeries(spec(path, { column: 'value', dateRange: { from: '2022-01-01', to: '2022-12-31' } })))).toMatch(
      /^No rows of file-\d+\.csv fall in the date range 2022-01-01 to 2022-12-31; its times run from 2021-03-01 00:00 to 2021-03-03 23:00\.$/,
    );
    expect(await refusal(loadSeries(spec(path, { column: 'value', dateRange: { from: '2021-03-03', to: '2021-03-01' } })))).toBe(
      'The date range 2021-03-03 to 2021-03-01 is empty: its start must not be after its end.',
    );
  });

  it('is validated in the run config with a sentence for a bound that is not a date', () => {
    expect(() => parseRunConfig({ data: { path: 'x.csv', dateRange: { from: 'last year', to: null } } })).toThrow(
      'data.dateRange.from must be a date such as 2012-01-31',
    );
    const config = parseRunConfig({ data: { path: 'x.csv', resample: { every: 'day' } } });
    expect(config.data).toMatchObject({ resample: { every: 'day', how: 'mean' }, dateRange: null });
  });

  it('applies to the plotted series too', async () => {
    const path = hourlyCsv();
    const preview = await loadSeriesPreview({ path, column: 'value', timeColumn: null, missing: 'interpolate', resample: { every: 'day', how: 'max' } });
    expect(preview).toMatchObject({ rows: 3, time: ['2021-03-01', '2021-03-02', '2021-03-03'], values: [123, 223, 323] });
  });
});

describe('categorical inputs', () => {
  it('become one-hot columns named column=category, in sorted order, with the categories recorded', async () => {
    const path = csvFile('t,y,wind\n1,10,SE\n2,11,NE\n3,12,\n4,13,cv\n5,14,NE\n6,15,SE\n7,16,NE\n');
    const series = await loadSeries(spec(path, { column: 'y', inputColumns: ['wind'], timeColumn: 't', missing: 'ffill' }));
    expect(series.inputColumns).toEqual(['wind=NE', 'wind=SE', 'wind=cv']);
    expect(series.categories).toEqual({ wind: ['NE', 'SE', 'cv'] });
    expect(series.features.slice(1).map((f) => Array.from(f))).toEqual([
      [0, 1, 1, 0, 1, 0, 1],
      [1, 0, 0, 0, 0, 1, 0],
      [0, 0, 0, 1, 0, 0, 0],
    ]);
    expect(series.missingHandled).toBe(1);
  });

  it('a bundle’s categories are applied as they are, and a value the model never saw is refused', async () => {
    const path = csvFile('t,y,wind\n1,10,NE\n2,11,NE\n3,12,NE\n4,13,NE\n5,14,NE\n6,15,NE\n7,16,SW\n');
    const known = { wind: ['NE', 'SE', 'SW'] };
    const series = await loadSeries(spec(path, { column: 'y', inputColumns: ['wind'] }), { categories: known });
    expect(series.inputColumns).toEqual(['wind=NE', 'wind=SE', 'wind=SW']);
    expect(Array.from(series.features[2])).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // A short file whose every value differs profiles as text, not categorical: the bundle's categories still apply.
    const short = csvFile('t,y,wind\n1,10,SW\n2,11,NE\n3,12,SE\n');
    const few = await loadSeries(spec(short, { column: 'y', inputColumns: ['wind'] }), { categories: known });
    expect(few.features.slice(1).map((f) => Array.from(f))).toEqual([
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const message = await refusal(loadSeries(spec(path, { column: 'y', inputColumns: ['wind'] }), { categories: { wind: ['NE', 'SE'] } }));
    expect(message).toMatch(/^Column "wind" of file-\d+\.csv has the value\(s\) "SW" the model never saw; it knows only "NE", "SE"\.$/);
  });

  it('with too many categories is refused with the reason', async () => {
    const categories = Array.from({ length: MAX_ONE_HOT_CATEGORIES + 5 }, (_, i) => `site${i}`);
    const rows = Array.from({ length: 100 }, (_, i) => `${i},${i},${categories[i % categories.length]}`);
    const path = csvFile(['t,y,site', ...rows].join('\n'));
    expect(await refusal(loadSeries(spec(path, { column: 'y', inputColumns: ['site'] })))).toMatch(
      new RegExp(`^Column "site" of file-\\d+\\.csv has ${MAX_ONE_HOT_CATEGORIES + 5} distinct values; a categorical input becomes one input per category, and at most ${MAX_ONE_HOT_CATEGORIES} are allowed`),
    );
  });
});

describe('time labels', () => {
  it('are read in one place, in the column format', () => {
    expect(timeLabelMs('2012-03-01')).toBe(Date.UTC(2012, 2, 1));
    expect(timeLabelMs('2012-03-01 06:30')).toBe(Date.UTC(2012, 2, 1, 6, 30));
    expect(timeLabelMs('2012-03-01T06:30:00+01:00')).toBe(Date.UTC(2012, 2, 1, 5, 30));
    expect(timeLabelMs('2012-3')).toBe(Date.UTC(2012, 2, 1));
    expect(timeLabelMs('2012 Q2')).toBe(Date.UTC(2012, 3, 1));
    expect(timeLabelMs('05/04/2012', 'DD/MM/YYYY')).toBe(Date.UTC(2012, 3, 5));
    expect(timeLabelMs('05/04/2012', 'MM/DD/YYYY')).toBe(Date.UTC(2012, 4, 4));
    expect(timeLabelMs('05/04/2012', 'DD/MM/YYYY or MM/DD/YYYY')).toBeNull();
    expect(timeLabelMs('1-03', 'Y-MM')).toBe(new Date('0001-03-01T00:00:00Z').getTime());
    expect(timeLabelMs('2021-02-30')).toBeNull();
  });
});

const POLLUTION = resolve('../shared/datasets/real/pollution.csv');

describe.skipIf(!existsSync(POLLUTION))('pollution.csv (43,824 hourly rows; skipped where ../shared/datasets/real is absent)', () => {
  it('resamples to 1,826 daily means with the wind direction as four one-hot shares', async () => {
    const series = await loadSeries(spec(POLLUTION, { column: 'pm2.5', inputColumns: ['cbwd'], resample: { every: 'day', how: 'mean' } }));
    expect(series.time).toHaveLength(1826);
    expect(series.time![0]).toBe('2010-01-01');
    expect(series.categories).toEqual({ cbwd: ['NE', 'NW', 'SE', 'cv'] });
    // The daily mean of one-hot columns is the share of the day's hours with that wind: they add up to 1.
    for (let day = 0; day < 1826; day += 97) {
      const total = series.features.slice(1).reduce((sum, column) => sum + column[day], 0);
      expect(total).toBeCloseTo(1, 10);
    }
  });
});

describe('row-number and constant columns', () => {
  it('are profiled as such and never suggested as the target', async () => {
    const { inspectCsvText } = await import('./csv/inspect.js');
    const inspection = inspectCsvText('No,year,month,day,hour,pm2.5,TEMP\n1,2012,1,1,0,10,3\n2,2012,1,1,1,,4\n3,2012,1,1,2,30,5\n4,2012,1,1,3,40,5\n', 'one-year.csv');
    const roles = Object.fromEntries(inspection.columns.map((c) => [c.name, c.role]));
    expect(roles).toEqual({ No: 'row-number', year: 'constant', month: 'constant', day: 'constant', hour: 'row-number', 'pm2.5': null, TEMP: null });
    expect(inspection.suggestedTarget).toBe('pm2.5');
    // The second column counts the rows and the first never changes: the third is the series.
    const unnamed = inspectCsvText('level,k,count\n5,0,7\n5,1,3\n5,2,9\n', 'unnamed.csv');
    expect(unnamed.columns.map((c) => c.role)).toEqual(['constant', 'row-number', null]);
    expect(unnamed.suggestedTarget).toBe('count');
  });
});
