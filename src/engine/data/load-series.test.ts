import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSpecSchema, InvalidInputError, type DataSpec } from '../../contract/run-config.js';
import { applyMissingPolicy, fillGaps } from './csv/missing-values.js';
import { loadSeries, loadSeriesPreview } from './load-series.js';

const folder = mkdtempSync(join(tmpdir(), 'load-series-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(content: string, name = `file-${++fileCount}.csv`): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

const spec = (path: string, rest: Partial<DataSpec> = {}): DataSpec => DataSpecSchema.parse({ path, ...rest });

/** t, a (gaps at rows 0, 2, 3 and 6), b (gap at row 4) */
const GAPPY = 'when,a,b\n2020-01,NA,10\n2020-02,2,20\n2020-03,,30\n2020-04,?,40\n2020-05,8,null\n2020-06,10,60\n2020-07,nan,70\n';

describe('loadSeries', () => {
  it('takes the second column and the date column by default, and hashes the bytes', async () => {
    const path = csvFile('Month,Sunspots\n1749-01,58.0\n1749-02,62.6\n1749-03,70.0\nMonthly sunspots 1749-1749\n');
    const series = await loadSeries(spec(path));
    expect(series).toMatchObject({ path, name: basename(path), column: 'Sunspots', timeColumn: 'Month', inputColumns: [], rowsInFile: 3, missingHandled: 0 });
    expect(Array.from(series.features[0])).toEqual([58, 62.6, 70]);
    expect(series.features[0]).toBeInstanceOf(Float64Array);
    expect(series.time).toEqual(['1749-01', '1749-02', '1749-03']);
    expect(series.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
  });

  it('reads decimal commas in a semicolon file, with extra input columns', async () => {
    const path = csvFile('Datum;Temp;Druck;Feuchte\r\n01.01.2020;1,5;1013,2;80\r\n02.01.2020;-0,5;1009,8;75\r\n');
    const series = await loadSeries(spec(path, { column: 'Temp', inputColumns: ['Druck', 'Feuchte'] }));
    expect(series.features.map((feature) => Array.from(feature))).toEqual([
      [1.5, -0.5],
      [1013.2, 1009.8],
      [80, 75],
    ]);
    expect(series.inputColumns).toEqual(['Druck', 'Feuchte']);
    expect(series.time).toEqual(['01.01.2020', '02.01.2020']);
  });

  it('has no time labels when the file has no date column', async () => {
    const series = await loadSeries(spec(csvFile('x,y\n1,2\n3,4\n')));
    expect(series).toMatchObject({ column: 'y', timeColumn: null, time: null });
  });

  it('uses the named time column, even a text one', async () => {
    const series = await loadSeries(spec(csvFile('label,y\nfirst,2\nsecond,4\n'), { timeColumn: 'label' }));
    expect(series.time).toEqual(['first', 'second']);
  });

  it("'drop' removes rows with a missing value in any used column, with their time labels", async () => {
    const series = await loadSeries(spec(csvFile(GAPPY), { column: 'a', inputColumns: ['b'], missing: 'drop' }));
    expect(Array.from(series.features[0])).toEqual([2, 10]);
    expect(Array.from(series.features[1])).toEqual([20, 60]);
    expect(series.time).toEqual(['2020-02', '2020-06']);
    expect(series.missingHandled).toBe(5);
    expect(series.rowsInFile).toBe(7);
  });

  it("'ffill' carries the last value forward; a leading gap takes the first value", async () => {
    const series = await loadSeries(spec(csvFile(GAPPY), { column: 'a', inputColumns: ['b'], missing: 'ffill' }));
    expect(Array.from(series.features[0])).toEqual([2, 2, 2, 2, 8, 10, 10]);
    expect(Array.from(series.features[1])).toEqual([10, 20, 30, 40, 40, 60, 70]);
    expect(series.missingHandled).toBe(5);
    expect(series.time).toHaveLength(7);
  });

  it("'interpolate' fills gaps linearly; leading and trailing gaps take the nearest value", async () => {
    const series = await loadSeries(spec(csvFile(GAPPY), { column: 'a', inputColumns: ['b'], missing: 'interpolate' }));
    expect(Array.from(series.features[0])).toEqual([2, 2, 4, 6, 8, 10, 10]);
    expect(Array.from(series.features[1])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(series.missingHandled).toBe(5);
  });

  it('composes a time from year, month, day and hour columns when there is no date column', async () => {
    const path = csvFile('No,year,month,day,hour,pm\n1,2010,1,1,0,5\n2,2010,1,1,1,6\n3,2010,1,2,23,7\n');
    const series = await loadSeries(spec(path, { column: 'pm' }));
    expect(series.timeColumn).toBe('year-month-day-hour');
    expect(series.time).toEqual(['2010-01-01 00:00', '2010-01-01 01:00', '2010-01-02 23:00']);
    const again = await loadSeries(spec(path, { column: 'pm', timeColumn: 'year-month-day-hour' }));
    expect(again.time).toEqual(series.time);
  });

  it('plans from the first rows but follows the whole file when it differs', async () => {
    // The second column looks numeric for the first 64 KB of the file, then turns to text.
    const head = Array.from({ length: 8000 }, (_, i) => `${i},${i % 10},${i * 2}`);
    const tail = Array.from({ length: 8000 }, (_, i) => `${i},word${i},${i * 3}`);
    const path = csvFile(['id,flag,value', ...head, ...tail].join('\n'));
    const series = await loadSeries(spec(path));
    expect(series.column).toBe('value'); // flag turned out to be text; id numbers rows
    expect(series.features[0]).toHaveLength(16000);
  });

  it('reports progress up to 1', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `${i},${Math.sin(i)}`);
    const fractions: number[] = [];
    await loadSeries(spec(csvFile(['t,v', ...rows].join('\n'))), { onProgress: (fraction) => fractions.push(fraction) });
    expect(fractions.length).toBeGreaterThan(2);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((x, y) => x - y)).toEqual(fractions);
  });

  it('loadSeriesPreview gives one column with its time labels for plotting', async () => {
    const preview = await loadSeriesPreview({ path: csvFile(GAPPY), column: 'b', timeColumn: 'when', missing: 'interpolate' });
    expect(preview).toEqual({
      column: 'b',
      time: ['2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06', '2020-07'],
      values: [10, 20, 30, 40, 50, 60, 70],
      missingHandled: 1,
      rows: 7,
      index: null,
    });
  });

  it('loadSeriesPreview thins a series longer than maxPoints with LTTB, with the rows and time labels it kept', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `r${i},${i === 2345 ? 999 : i === 1234 ? '' : Math.sin(i / 50)}`);
    const path = csvFile(['t,v', ...rows].join('\n'));
    const request = { path, column: 'v', timeColumn: 't', missing: 'drop' as const };
    const thinned = await loadSeriesPreview({ ...request, maxPoints: 200 });
    expect(thinned).toMatchObject({ column: 'v', rows: 4999, missingHandled: 1 });
    expect(thinned.values).toHaveLength(200);
    expect(thinned.time).toHaveLength(200);
    expect(thinned.index).toHaveLength(200);
    const index = thinned.index!;
    expect(index[0]).toBe(0);
    expect(index.at(-1)).toBe(4998);
    // Row numbers count the rows left after dropping row 1234: file row 2345 is row 2344; its label stays with it.
    const spike = thinned.values.indexOf(999);
    expect(index[spike]).toBe(2344);
    expect(thinned.time![spike]).toBe('r2345');
    expect(thinned.time!.at(-1)).toBe('r4999');
    // Unset maxPoints: SERIES_MAX_POINTS (20,000), so these 4,999 rows come whole.
    const whole = await loadSeriesPreview(request);
    expect(whole).toMatchObject({ rows: 4999, index: null });
    expect(whole.values).toHaveLength(4999);
    index.forEach((row, i) => expect(thinned.values[i]).toBe(whole.values[row]));
  });
});

describe('loadSeries says clearly why a column cannot be used', () => {
  const message = async (dataSpec: DataSpec) => {
    const error = await loadSeries(dataSpec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  };

  it('a column that is mostly text', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `${i},${i % 3 === 0 ? `abc${i}` : i}`);
    const path = csvFile(['t,mixed,ok', ...rows.map((row) => `${row},1`)].join('\n'), 'mixed.csv');
    expect(await message(spec(path, { column: 'mixed' }))).toBe(
      'Column "mixed" in mixed.csv is mostly text: 40 of 120 values are not numbers, e.g. "abc0"; numeric columns are t, ok.',
    );
  });

  it('a date column chosen as target or input', async () => {
    const path = csvFile('Month,Sales\n2020-01,1\n2020-02,2\n', 'sales.csv');
    expect(await message(spec(path, { column: 'Month' }))).toBe(
      'Column "Month" in sales.csv holds dates (YYYY-MM), not numbers; numeric columns are Sales.',
    );
    expect(await message(spec(path, { column: 'Sales', inputColumns: ['Month'] }))).toMatch(/^Column "Month" in sales\.csv holds dates/);
  });

  it('a column name that does not exist, listing the columns', async () => {
    const path = csvFile('Month,Sales\n2020-01,1\n2020-02,2\n', 'names.csv');
    expect(await message(spec(path, { column: 'Revenue' }))).toBe('names.csv has no column "Revenue"; its columns are Month, Sales.');
    expect(await message(spec(path, { timeColumn: 'Date' }))).toBe('names.csv has no column "Date"; its columns are Month, Sales.');
  });

  it('an empty column', async () => {
    const path = csvFile('t,v,nothing\n1,2,\n2,3,NA\n', 'holes.csv');
    expect(await message(spec(path, { column: 'nothing' }))).toBe('Column "nothing" in holes.csv has no values; numeric columns are t, v.');
  });

  it('no rows left after dropping', async () => {
    const path = csvFile('t,a,b\n1,1,\n2,,2\n', 'sparse.csv');
    expect(await message(spec(path, { column: 'a', inputColumns: ['b'], missing: 'drop' }))).toBe(
      'No rows of sparse.csv are left after dropping the rows with missing values in a, b.',
    );
  });

  it('a file that vanished', async () => {
    expect(await message(spec(join(folder, 'gone.csv')))).toBe(
      'gone.csv cannot be read: the file does not exist (it may have been moved or deleted).',
    );
  });
});

describe('missing-value policies on a hand-made series', () => {
  const series = Float64Array.from([NaN, NaN, 3, NaN, NaN, 9, NaN]);

  it('fillGaps', () => {
    expect(Array.from(fillGaps(series, 'ffill'))).toEqual([3, 3, 3, 3, 3, 9, 9]);
    expect(Array.from(fillGaps(series, 'interpolate'))).toEqual([3, 3, 3, 5, 7, 9, 9]);
    expect(Number.isNaN(series[0])).toBe(true); // the input is left as it was
  });

  it('applyMissingPolicy counts rows, not cells, and keeps complete columns as they are', () => {
    const other = Float64Array.from([1, NaN, 3, 4, 5, 6, 7]);
    const dropped = applyMissingPolicy([series, other], 'drop');
    expect(dropped.affectedRows).toBe(5);
    expect(dropped.features.map((feature) => Array.from(feature))).toEqual([
      [3, 9],
      [3, 6],
    ]);
    expect(Array.from(dropped.keptRows!)).toEqual([2, 5]);
    const complete = Float64Array.from([1, 2]);
    expect(applyMissingPolicy([complete], 'interpolate')).toEqual({ features: [complete], keptRows: null, affectedRows: 0 });
  });
});

describe('input columns and the target', () => {
  it('refuses the default target listed again as an input (checked once the target is resolved)', async () => {
    const path = csvFile('t,x,y\n2020-01,1,5\n2020-02,2,6\n2020-03,3,7\n');
    await expect(loadSeries(spec(path, { inputColumns: ['x'] }))).rejects.toThrow(
      new InvalidInputError(`"x" is the target column of ${basename(path)} (chosen as the default); it is always an input, do not list it again in the input columns.`),
    );
    const series = await loadSeries(spec(path, { inputColumns: ['y'] }));
    expect(series.features.length).toBe(2);
  });
});
