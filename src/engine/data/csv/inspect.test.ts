import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../contract/run-config.js';
import { inspectCsv, inspectCsvText } from './inspect.js';

const folder = mkdtempSync(join(tmpdir(), 'inspect-csv-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(content: string | Uint8Array, name = `file-${++fileCount}.csv`): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

const types = (inspection: { columns: { name: string; type: string }[] }) =>
  Object.fromEntries(inspection.columns.map((column) => [column.name, column.type]));

describe('inspectCsv detects how a file is written', () => {
  it.each([
    [',', 'comma'],
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
  ])('the %j delimiter (%s)', async (delimiter) => {
    const rows = ['Month,Value', '2020-01,1.5', '2020-02,2.5', '2020-03,3'].map((line) => line.replace(',', delimiter));
    const inspection = await inspectCsv(csvFile(rows.join('\n')));
    expect(inspection).toMatchObject({ delimiter, hasHeader: true, rows: 3, suggestedTarget: 'Value', suggestedTime: 'Month' });
    expect(types(inspection)).toEqual({ Month: 'date', Value: 'numeric' });
  });

  it('a file without a header row gets columns named "column 1", "column 2", ...', async () => {
    const inspection = await inspectCsv(csvFile('1749-01,58.0\n1749-02,62.6\n1749-03,70.0\n'));
    expect(inspection.hasHeader).toBe(false);
    expect(inspection.rows).toBe(3);
    expect(types(inspection)).toEqual({ 'column 1': 'date', 'column 2': 'numeric' });
    expect(inspection.suggestedTarget).toBe('column 2');
  });

  it('quoted fields holding delimiters, quotes and line breaks', async () => {
    const text = 'id,comment,value\n1,"a, b",10\n2,"say ""hi""",20\n3,"two\nlines",30\n';
    const inspection = await inspectCsv(csvFile(text));
    expect(inspection.rows).toBe(3);
    expect(inspection.preview.map((row) => row[1])).toEqual(['a, b', 'say "hi"', 'two\nlines']);
    expect(inspection.columns[2]).toMatchObject({ name: 'value', type: 'numeric', min: 10, max: 30 });
  });

  it('a UTF-8 byte order mark, which does not end up in the first column name', async () => {
    const inspection = await inspectCsv(csvFile('\uFEFFDate,Temp\n2020-01-01,1\n2020-01-02,2\n'));
    expect(inspection.bom).toBe(true);
    expect(inspection.columns[0].name).toBe('Date');
  });

  it.each([
    ['\r\n', 'CRLF'],
    ['\r', 'CR'],
    ['\n', 'LF'],
  ])('%j line ends (%s)', async (newline, lineEnding) => {
    const inspection = await inspectCsv(csvFile(['Month,Value', '2020-01,1', '2020-02,2', ''].join(newline)));
    expect(inspection).toMatchObject({ lineEnding, rows: 2, skippedLines: 0 });
    expect(inspection.columns[1]).toMatchObject({ name: 'Value', type: 'numeric', max: 2 });
  });

  it('decimal commas where the delimiter is a semicolon', async () => {
    const inspection = await inspectCsv(csvFile('Datum;Wert;Menge\n01.02.2020;1,5;3\n02.02.2020;-2,25;4\n03.02.2020;10,0;5\n'));
    expect(inspection).toMatchObject({ delimiter: ';', decimalComma: true });
    expect(inspection.columns[1]).toMatchObject({ type: 'numeric', min: -2.25, max: 10 });
    expect(inspection.columns[0]).toMatchObject({ type: 'date', format: 'DD.MM.YYYY' });
  });

  it('semicolon files with decimal commas and no header are not taken for comma files', async () => {
    const inspection = await inspectCsv(csvFile('1,5;2,5\n3,5;4,5\n5,5;6,5\n'));
    expect(inspection).toMatchObject({ delimiter: ';', decimalComma: true, hasHeader: false });
    expect(inspection.columns.map((column) => column.max)).toEqual([5.5, 6.5]);
  });

  it('trailing blank lines and a footer line with fewer fields are skipped', async () => {
    const text = 'Month,Sunspots\n1749-01,58.0\n1749-02,62.6\n\n\nMonthly sunspots 1749-1983\n\n';
    const inspection = await inspectCsv(csvFile(text));
    expect(inspection.rows).toBe(2);
    expect(inspection.skippedLines).toBe(4);
    expect(types(inspection)).toEqual({ Month: 'date', Sunspots: 'numeric' });
    expect(inspection.warnings.join(' ')).toContain('Monthly sunspots 1749-1983');
  });

  it('a title line before the header is skipped', async () => {
    const inspection = await inspectCsv(csvFile('Sales report\nMonth,Sales\n2020-01,5\n2020-02,6\n'));
    expect(inspection).toMatchObject({ hasHeader: true, rows: 2, skippedLines: 1 });
    expect(inspection.columns.map((column) => column.name)).toEqual(['Month', 'Sales']);
  });

  it('a short row inside the table counts its absent fields as missing', async () => {
    const inspection = await inspectCsv(csvFile('t,a,b\n1,2,3\n2,5\n3,4,5\n'));
    expect(inspection.rows).toBe(3);
    expect(inspection.columns[2].missing).toBe(1);
    expect(inspection.warnings.join(' ')).toMatch(/1 rows do not have 3 fields/);
  });

  it('blank and repeated header names become "column N" and "name (2)"', async () => {
    const inspection = await inspectCsv(csvFile(',value,value\n1,2,3\n2,3,4\n'));
    expect(inspection.columns.map((column) => column.name)).toEqual(['column 1', 'value', 'value (2)']);
  });

  it('text in a Windows-1252 (not UTF-8) file is read as such', async () => {
    const bytes = Buffer.from('Stadt,Wert\nK\xf6ln,1\nM\xfcnchen,2\nK\xf6ln,3\nM\xfcnchen,4\n', 'latin1');
    const inspection = await inspectCsv(csvFile(bytes));
    expect(inspection.preview[0][0]).toBe('Köln');
    expect(inspection.warnings.join(' ')).toContain('Windows-1252');
  });
});

describe('inspectCsv classifies columns and counts missing values', () => {
  it.each([
    ['YYYY-MM-DD', ['2020-01-31', '2020-02-29', '2020-03-01']],
    ['YYYY-MM', ['1949-01', '1949-02', '1949-12']],
    ['Y-MM', ['1-01', '1-02', '3-12']],
    ['DD.MM.YYYY', ['31.01.2020', '29.02.2020', '01.03.2020']],
    ['DD/MM/YYYY', ['31/01/2020', '01/02/2020', '01/03/2020']],
    ['MM/DD/YYYY', ['01/31/2020', '02/01/2020', '03/01/2020']],
    ['timestamp', ['2020-01-01 00:00', '2020-01-01 01:00:30', '2020-01-01T02:00:00Z']],
  ])('dates written %s', async (format, dates) => {
    const inspection = await inspectCsv(csvFile(['when,value', ...dates.map((date, i) => `${date},${i}`)].join('\n')));
    expect(inspection.columns[0]).toMatchObject({ type: 'date', format });
    expect(inspection.suggestedTime).toBe('when');
  });

  it('slash dates that could be either day/month or month/day are dates with a warning', async () => {
    const inspection = await inspectCsv(csvFile('when,value\n01/02/2020,1\n03/04/2020,2\n'));
    expect(inspection.columns[0]).toMatchObject({ type: 'date', format: 'DD/MM/YYYY or MM/DD/YYYY' });
    expect(inspection.warnings.join(' ')).toContain('day/month or month/day');
  });

  it('slash dates mixing day-first and month-first values are text', async () => {
    const inspection = await inspectCsv(csvFile('when,value\n13/01/2020,1\n01/13/2020,2\n02/14/2020,3\n'));
    expect(inspection.columns[0].type).toBe('text');
  });

  it('numeric, categorical, text and empty columns, and missing tokens counted case-insensitively', async () => {
    const text = [
      'value,wind,note,nothing',
      '1.5,NW,first note,',
      'NA,SE,second note,NA',
      'nan,NW,third note,',
      '?,SE,fourth note,null',
      'NULL,NW,fifth note,',
      ',SE,sixth note,',
      '7,NW,seventh,',
      '8,cv,eighth,',
    ].join('\n');
    const inspection = await inspectCsv(csvFile(text));
    expect(types(inspection)).toEqual({ value: 'numeric', wind: 'categorical', note: 'text', nothing: 'empty' });
    expect(inspection.columns[0]).toMatchObject({ missing: 5, min: 1.5, max: 8 });
    expect(inspection.columns[3].missing).toBe(8);
  });

  it('the suggested target is the second column when numeric, else the first numeric column', async () => {
    const second = await inspectCsv(csvFile('a,b,c\n1,2,3\n4,5,6\n'));
    expect(second.suggestedTarget).toBe('b');
    const first = await inspectCsv(csvFile('when,label,count\n2020-01,x,3\n2020-02,y,4\n'));
    expect(first.suggestedTarget).toBe('count');
  });

  it('year, month, day and hour columns offer a composed time', async () => {
    const inspection = await inspectCsv(csvFile('No,year,month,day,hour,pm\n1,2010,1,1,0,5\n2,2010,1,1,1,6\n'));
    expect(inspection.suggestedTime).toBeNull();
    expect(inspection.composedTime).toEqual({ name: 'year-month-day-hour', parts: ['year', 'month', 'day', 'hour'] });
  });

  it('a few stray words in a numeric column leave it numeric, with a warning', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i === 7 ? 'n.a.' : i * 2}`);
    const inspection = await inspectCsv(csvFile(['t,v', ...rows].join('\n')));
    expect(inspection.columns[1].type).toBe('numeric');
    expect(inspection.warnings.join(' ')).toContain('1 values that are not numbers, e.g. "n.a."');
  });

  it('previews the first 20 rows and reports progress up to 1', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${i},${i * 1.5}`);
    const fractions: number[] = [];
    const inspection = await inspectCsv(csvFile(['t,v', ...rows].join('\n')), { onProgress: (f) => fractions.push(f) });
    expect(inspection.preview).toHaveLength(20);
    expect(inspection.preview[19]).toEqual(['19', '28.5']);
    expect(fractions.at(-1)).toBe(1);
  });

  it('inspectCsvText inspects text in memory the same way', () => {
    const inspection = inspectCsvText('Month;Value\r\n2020-01;1,5\r\n2020-02;2,5\r\n', 'upload.csv');
    expect(inspection).toMatchObject({ name: 'upload.csv', delimiter: ';', decimalComma: true, lineEnding: 'CRLF', rows: 2 });
    expect(inspection.columns[1]).toMatchObject({ type: 'numeric', min: 1.5, max: 2.5 });
  });
});

describe('inspectCsv says clearly why a file cannot be used', () => {
  const message = async (path: string) => {
    const error = await inspectCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  };

  it('binary files', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(await message(csvFile(png, 'picture.csv'))).toBe(
      'picture.csv is not a text file (it contains binary data); if it is a spreadsheet, save it as CSV first.',
    );
  });

  it('UTF-16 text', async () => {
    expect(await message(csvFile(Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le'), 'wide.csv'))).toMatch(/^wide\.csv is UTF-16 text/);
  });

  it('empty files, and files of blank lines', async () => {
    expect(await message(csvFile('', 'empty.csv'))).toBe('empty.csv is empty.');
    expect(await message(csvFile('\n\r\n  \n', 'blank.csv'))).toBe('blank.csv is empty.');
  });

  it('a header without data rows', async () => {
    expect(await message(csvFile('Month,Sunspots\n', 'header.csv'))).toBe('header.csv has a header row but no data rows.');
  });

  it('no numeric column', async () => {
    expect(await message(csvFile('name,city\nAnn,Oslo\nBob,Rome\n', 'people.csv'))).toBe(
      'people.csv has no numeric column to forecast; its columns are name (text), city (text).',
    );
  });

  it('a file that does not exist, or is a folder', async () => {
    expect(await message(join(folder, 'vanished.csv'))).toBe(
      'vanished.csv cannot be read: the file does not exist (it may have been moved or deleted).',
    );
    expect(await message(folder)).toMatch(/cannot be read: it is a folder, not a file\.$/);
  });
});
