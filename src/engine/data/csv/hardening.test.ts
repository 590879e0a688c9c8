/**
 * CSV files that lost rows, hung the reader or filled the memory before: mixed line ends, stray quotes,
 * huge cells, FIFOs and devices, headers of very many columns or very long names. Real files on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSpecSchema } from '../../../contract/run-config.js';
import { InvalidInputError } from '../../../contract/run-config.js';
import { loadSeries } from '../load-series.js';
import { MAX_ROW_CHARS } from './csv-text.js';
import { inspectCsv, inspectCsvText } from './inspect.js';
import { PREVIEW_CELL_CHARS } from './values.js';

const folder = mkdtempSync(join(tmpdir(), 'csv-hardening-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(content: string | Uint8Array, name = `file-${++fileCount}.csv`): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as Error).message;
}

/** Month,Value data lines 2000-01 … */
function dataLines(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const k = from + i;
    return `${2000 + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')},${(k % 17) + 0.5}`;
  });
}

describe('mixed line ends are all read', () => {
  it('CRLF lines followed by LF lines keep every row, with a warning (small file and across chunks)', async () => {
    for (const count of [20, 40_000]) {
      const half = count / 2;
      const lines = dataLines(count);
      const text = `Month,Value\r\n${lines.slice(0, half).join('\r\n')}\r\n${lines.slice(half).join('\n')}\n`;
      const path = csvFile(text);
      const inspection = await inspectCsv(path);
      expect(inspection.rows).toBe(count);
      expect(inspection.skippedLines).toBe(0);
      expect(inspection.lineEnding).toBe('CRLF');
      expect(inspection.warnings[0]).toBe(`The file mixes line ends (${half + 1} CRLF, ${half} LF); all its lines were read.`);
      const series = await loadSeries(DataSpecSchema.parse({ path, column: 'Value' }));
      expect(series.features[0].length).toBe(count);
      expect(series.time?.[count - 1]).toBe(lines[count - 1].split(',')[0]);
      expect(inspectCsvText(text, 'mixed.csv').rows).toBe(count);
    }
  });

  it('lone CR lines, and a CRLF split across two chunks, are line ends too', async () => {
    const lines = dataLines(30);
    const text = `Month,Value\r${lines.slice(0, 10).join('\r')}\r${lines.slice(10, 20).join('\n')}\n${lines.slice(20).join('\r\n')}\r\n`;
    expect((await inspectCsv(csvFile(text))).rows).toBe(30);
    // A CRLF file whose 64 KB chunk boundaries fall between CR and LF somewhere: every row is read.
    const many = dataLines(20_000);
    const path = csvFile(`Month,Value\r\n${many.join('\r\n')}\r\n`);
    const inspection = await inspectCsv(path);
    expect(inspection.rows).toBe(20_000);
    expect(inspection.warnings).toEqual([]);
  });
});

describe('quotes', () => {
  it('a stray quote on row 1 of a large file is refused with its line number, before the rest becomes one cell', async () => {
    const lines = dataLines(200_000);
    lines[0] = `"${lines[0]}`;
    const path = csvFile(`Month,Value\n${lines.join('\n')}\n`);
    const before = process.memoryUsage().rss;
    const message = await refusal(inspectCsv(path));
    expect(message).toBe(
      `${path.split('/').pop()}: the quote that opens a cell on line 2 is not closed within ${MAX_ROW_CHARS.toLocaleString('en-US')} characters, so the rest of the file would be read as one cell; fix the quotes on line 2.`,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect(await refusal(loadSeries(DataSpecSchema.parse({ path })))).toBe(message);
  });

  it('a quote never closed in a small file is refused with its line number', async () => {
    const lines = dataLines(10);
    lines[4] = `2000-05,"5`;
    const message = await refusal(inspectCsv(csvFile(`Month,Value\n${lines.join('\n')}\n`)));
    expect(message).toMatch(/the quote that opens a cell on line 6 is never closed, so every line after it would be read as one cell; fix the quotes on line 6\.$/);
    expect(() => inspectCsvText(`Month,Value\n${lines.join('\n')}\n`, 'text.csv')).toThrow(/line 6 is never closed/);
  });

  it('well-formed quoting is still read: escaped quotes, line ends inside quotes, inch marks inside a cell', async () => {
    const text = 'Month,Value,Note\n2000-01,1,"a ""quoted"" word"\n2000-02,2,"two\r\nlines"\n2000-03,3,12" pipe\n2000-04,4,\n';
    const inspection = await inspectCsv(csvFile(text));
    expect(inspection.rows).toBe(4);
    expect(inspection.preview.map((row) => row[2])).toEqual(['a "quoted" word', 'two\nlines', '12" pipe', '']);
  });

  it('preview cells and quoted examples are capped in size', async () => {
    const huge = 'x'.repeat(300_000);
    const inspection = await inspectCsv(csvFile(`Month,Value,Note\n2000-01,1,"${huge}"\n2000-02,2,b\n2000-03,3,c\n`));
    expect(inspection.rows).toBe(3);
    expect(inspection.preview[0][2].length).toBe(PREVIEW_CELL_CHARS);
    expect(inspection.preview[0][2].endsWith('…')).toBe(true);
    expect(JSON.stringify(inspection).length).toBeLessThan(10_000);
  });

  it('a line longer than the row limit outside quotes is refused with its line number', async () => {
    const path = csvFile(`Month,Value\n2000-01,1\n2000-02,${'9'.repeat(MAX_ROW_CHARS + 10)}\n2000-03,3\n`);
    expect(await refusal(inspectCsv(path))).toMatch(/: line 3 is longer than 1,048,576 characters; a row of a table this app reads is shorter/);
  });
});

describe('files that are not regular files', () => {
  it('a FIFO is refused at once instead of hanging the reader', async () => {
    const fifo = join(folder, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(inspectCsv(fifo))).toBe('pipe.csv cannot be read: it is a named pipe (FIFO), not a regular file.');
    expect(await refusal(loadSeries(DataSpecSchema.parse({ path: fifo })))).toMatch(/named pipe/);
  });

  it('a device is refused', async () => {
    expect(await refusal(inspectCsv('/dev/zero'))).toBe('zero cannot be read: it is a device, not a regular file.');
  });
});

describe('headers this app cannot read say what is wrong', () => {
  it('a header of 100,000 columns', async () => {
    const header = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
    const values = Array.from({ length: 100_000 }, (_, i) => String(i)).join(',');
    expect(await refusal(inspectCsv(csvFile(`${header}\n${values}\n`)))).toMatch(
      /: its first line is longer than 64 KB, so it is no table this app can read \(a header of very many columns, or a very long column name\?\)\.$/,
    );
  });

  it('a header of 20,000 short columns', async () => {
    const header = Array.from({ length: 20_000 }, () => 'c').join(',');
    const values = Array.from({ length: 20_000 }, () => '1').join(',');
    expect(await refusal(inspectCsv(csvFile(`${header}\n${values}\n${values}\n`)))).toMatch(/has 20,000 columns; this app reads tables of at most 10,000 columns\.$/);
  });

  it('a column name of 1 MB, and one of 5,000 characters', async () => {
    expect(await refusal(inspectCsv(csvFile(`Month,${'n'.repeat(1024 * 1024)}\n2000-01,1\n`)))).toMatch(/first line is longer than 64 KB/);
    expect(await refusal(inspectCsv(csvFile(`Month,${'n'.repeat(5000)}\n2000-01,1\n2000-02,2\n`)))).toMatch(
      /^Column 2 of .+ has a name of 5,000 characters; at most 1,000 are supported\.$/,
    );
  });
});

describe('irregular lines after the table', () => {
  it('a short footer is skipped; more irregular lines than a footer has are read as table rows, not held', async () => {
    const footer = await inspectCsv(csvFile(`Month,Value\n${dataLines(5).join('\n')}\nSource: somewhere;x;y\n`));
    expect(footer).toMatchObject({ rows: 5, skippedLines: 1 });
    const lines = dataLines(2300);
    const path = csvFile(`Month,Value\n${lines.slice(0, 300).join('\n')}\n${lines.slice(300).map((l) => `${l},extra`).join('\n')}\n`);
    const inspection = await inspectCsv(path);
    expect(inspection.rows).toBe(2300);
    expect(inspection.warnings.join(' ')).toMatch(/^2000 rows do not have 2 fields/m);
  });
});
