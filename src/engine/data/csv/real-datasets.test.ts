import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeries } from '../load-series.js';
import { inspectCsv } from './inspect.js';

/** Messy real CSVs kept outside the project, for tests only. */
const realFolder = resolve('../shared/datasets/real');
const bundledFolder = resolve('resources/datasets');

interface Expected {
  file: string;
  rows: number;
  columns: Record<string, string>;
  target: string;
  time: string | null;
  lineEnding?: string;
  missing?: Record<string, number>;
  format?: string;
}

const REAL: Expected[] = [
  { file: 'airline-passengers.csv', rows: 144, columns: { Month: 'date', Passengers: 'numeric' }, target: 'Passengers', time: 'Month', lineEnding: 'CRLF' },
  { file: 'daily-min-temperatures.csv', rows: 3650, columns: { Date: 'date', Temp: 'numeric' }, target: 'Temp', time: 'Date', format: 'YYYY-MM-DD' },
  { file: 'daily-total-female-births.csv', rows: 365, columns: { Date: 'date', Births: 'numeric' }, target: 'Births', time: 'Date' },
  { file: 'monthly-car-sales.csv', rows: 108, columns: { Month: 'date', Sales: 'numeric' }, target: 'Sales', time: 'Month' },
  { file: 'monthly-shampoo-sales.csv', rows: 36, columns: { Month: 'date', Sales: 'numeric' }, target: 'Sales', time: 'Month', format: 'Y-MM' },
  { file: 'monthly-sunspots.csv', rows: 2820, columns: { Month: 'date', Sunspots: 'numeric' }, target: 'Sunspots', time: 'Month', format: 'YYYY-MM' },
  { file: 'monthly_champagne_sales.csv', rows: 105, columns: { Month: 'date', Sales: 'numeric' }, target: 'Sales', time: 'Month', lineEnding: 'LF' },
  {
    file: 'pollution.csv',
    rows: 43824,
    columns: {
      No: 'numeric', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', 'pm2.5': 'numeric',
      DEWP: 'numeric', TEMP: 'numeric', PRES: 'numeric', cbwd: 'categorical', Iws: 'numeric', Is: 'numeric', Ir: 'numeric',
    },
    target: 'pm2.5',
    time: null,
    missing: { 'pm2.5': 2067, cbwd: 0 },
  },
];

const BUNDLED: Expected[] = [
  { file: 'sunspots.csv', rows: 2820, columns: { Month: 'date', Sunspots: 'numeric' }, target: 'Sunspots', time: 'Month' },
  { file: 'air-passengers.csv', rows: 144, columns: { Month: 'date', Passengers: 'numeric' }, target: 'Passengers', time: 'Month' },
  { file: 'mauna-loa-co2.csv', rows: 468, columns: { Month: 'date', CO2ppm: 'numeric' }, target: 'CO2ppm', time: 'Month' },
  { file: 'nottingham-temperature.csv', rows: 240, columns: { Month: 'date', TempF: 'numeric' }, target: 'TempF', time: 'Month' },
  {
    file: 'eu-stock-markets.csv',
    rows: 1860,
    columns: { Day: 'numeric', DAX: 'numeric', SMI: 'numeric', CAC: 'numeric', FTSE: 'numeric' },
    target: 'DAX',
    time: null,
  },
];

function checkFile(folder: string, expected: Expected) {
  return async () => {
    const path = join(folder, expected.file);
    const inspection = await inspectCsv(path);
    expect(inspection).toMatchObject({ delimiter: ',', hasHeader: true, rows: expected.rows, skippedLines: 0 });
    expect(Object.fromEntries(inspection.columns.map((column) => [column.name, column.type]))).toEqual(expected.columns);
    expect(inspection.suggestedTarget).toBe(expected.target);
    expect(inspection.suggestedTime).toBe(expected.time);
    if (expected.lineEnding) expect(inspection.lineEnding).toBe(expected.lineEnding);
    if (expected.format) expect(inspection.columns[0].format).toBe(expected.format);
    for (const [name, missing] of Object.entries(expected.missing ?? {})) {
      expect(inspection.columns.find((column) => column.name === name)?.missing).toBe(missing);
    }

    const series = await loadSeries({ path, column: null, inputColumns: [], timeColumn: null, missing: 'interpolate' });
    expect(series.column).toBe(expected.target);
    expect(series.features[0]).toHaveLength(expected.rows);
    expect(series.features[0].every((value) => Number.isFinite(value))).toBe(true);
    if (expected.time) expect(series.time).toHaveLength(expected.rows);
  };
}

describe.skipIf(!existsSync(realFolder))(`every real CSV in ${realFolder} opens with the right columns and types`, () => {
  for (const expected of REAL) it(expected.file, checkFile(realFolder, expected));

  it('pollution.csv: pm2.5 with DEWP and TEMP as inputs, rows with missing pm2.5 dropped, time from year..hour', async () => {
    const series = await loadSeries({
      path: join(realFolder, 'pollution.csv'),
      column: 'pm2.5',
      inputColumns: ['DEWP', 'TEMP'],
      timeColumn: null,
      missing: 'drop',
    });
    expect(series.missingHandled).toBe(2067);
    expect(series.features.map((feature) => feature.length)).toEqual([41757, 41757, 41757]);
    expect(series.timeColumn).toBe('year-month-day-hour');
    expect(series.time?.[0]).toBe('2010-01-02 00:00');
    expect(series.time?.at(-1)).toBe('2014-12-31 23:00');
  });
});

if (!existsSync(realFolder)) {
  it.skip(`real CSV files: ${realFolder} is absent on this machine, so they are not checked`, () => {});
}

describe('every bundled dataset opens', () => {
  for (const expected of BUNDLED) it(expected.file, checkFile(bundledFolder, expected));
});
