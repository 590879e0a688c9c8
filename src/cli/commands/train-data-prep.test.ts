/**
 * `train --resample FREQUENCY:AGGREGATION --from DATE --to DATE`: the real CLI in a child process prepares
 * the series before windowing, records it in the run's config, and refuses bad values with one sentence.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResultSchema } from '../../contract/run-result.js';

const run = promisify(execFile);
const cli = resolve('bin/forecast-workbench.mjs');
let root: string;
let csvPath: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-train-prep-'));
  csvPath = join(root, 'daily.csv');
  const rows = Array.from({ length: 400 }, (_, day) => `${new Date(Date.UTC(2021, 0, 4) + day * 86_400_000).toISOString().slice(0, 10)},${(day % 7) + 1}`);
  await writeFile(csvPath, ['date,sales', ...rows].join('\n') + '\n');
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [cli, 'train', '--csv', csvPath, '--epochs', '1', '--runs-dir', join(root, 'runs'), ...args], { timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('train --resample, --from, --to', () => {
  it('trains on weekly sums of the rows in the range and records both in the config', async () => {
    const outcome = await train(['--resample', 'week:sum', '--from', '2021-02-01', '--to', '2021-12', '--time-steps', '4', '--json', '--quiet']);
    expect(outcome.code).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(outcome.stdout));
    expect(result.config.data).toMatchObject({ resample: { every: 'week', how: 'sum' }, dateRange: { from: '2021-02-01', to: '2021-12' } });
    // Mondays 2021-02-01 to 2021-12-27: 48 weeks, the last one cut at 2021-12-31 (5 days).
    expect(result.dataset.rows).toBe(48);
    expect(result.dataset.timeColumn).toBe('date');
  });

  it.each([
    [['--resample', 'fortnight'], /^error: option '--resample <every:how>' argument 'fortnight' is invalid\. "fortnight" is not FREQUENCY\[:AGGREGATION\]: the frequency is one of hour, day, week, month, quarter, year/],
    [['--resample', 'hour:mean'], /^forecast-workbench: daily\.csv's rows are already one day apart \(the typical step of "date"\), so hourly periods would not combine rows; resample to a coarser frequency than the data, or not at all\.\n$/],
    [['--from', '2030-01-01'], /^forecast-workbench: No rows of daily\.csv fall in the date range 2030-01-01 to the end; its times run from 2021-01-04 to 2022-02-07\.\n$/],
    [['--to', '31.12.2021'], /^forecast-workbench: Invalid run configuration: data\.dateRange\.to must be a date such as 2012-01-31/],
  ])('%j is refused with one sentence and no stack trace', async (args, pattern) => {
    const outcome = await train(args);
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(pattern);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });
});
