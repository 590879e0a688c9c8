import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../../bin/forecast-workbench.mjs');
const folder = mkdtempSync(join(tmpdir(), 'cli-inspect-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('forecast-workbench inspect', () => {
  const path = join(folder, 'weather.csv');
  writeFileSync(path, 'Datum;Temp;Wind\r\n01.01.2020;1,5;NW\r\n02.01.2020;NA;SE\r\n03.01.2020;2,5;NW\r\n04.01.2020;3,0;NW\r\n');

  it('--json prints one JSON object: delimiter, header, rows and columns with name, type and missing', () => {
    const run = cli('inspect', path, '--json');
    expect(run.code, run.stderr).toBe(0);
    const inspection = JSON.parse(run.stdout);
    expect(inspection).toMatchObject({ delimiter: ';', hasHeader: true, rows: 4, decimalComma: true, lineEnding: 'CRLF' });
    expect(inspection.columns.map(({ name, type, missing }: Record<string, unknown>) => ({ name, type, missing }))).toEqual([
      { name: 'Datum', type: 'date', missing: 0 },
      { name: 'Temp', type: 'numeric', missing: 1 },
      { name: 'Wind', type: 'categorical', missing: 0 },
    ]);
  });

  it('without --json prints a readable summary', () => {
    const run = cli('inspect', path);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('weather.csv: 4 rows, semicolon-separated, header row, CRLF line ends, decimal commas');
    expect(run.stdout).toMatch(/Temp\s+numeric\s+1\s+1\.5 to 3/);
    expect(run.stdout).toContain('Suggested target: Temp; time: Datum');
  });

  it('bad input: one line on stderr and exit code 1', () => {
    const run = cli('inspect', join(folder, 'missing.csv'));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('forecast-workbench: missing.csv cannot be read: the file does not exist (it may have been moved or deleted).\n');
  });
});
