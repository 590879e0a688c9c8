import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundlePredictionSchema } from '../../contract/bundles.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { writeRunBundle } from '../../engine/bundle/index.js';
import { tinyRun, writeSeriesCsv } from '../../engine/bundle/test-support/tiny-run.js';
import { registerPredictCommand } from './predict.js';

const run = promisify(execFile);
const cli = resolve('bin/forecast-workbench.mjs');

let root: string;
let bundle: string;
let second: string;

/** Run the command in this process with a fresh program; returns what it printed. */
async function predictInProcess(args: string[]): Promise<string> {
  let printed = '';
  const program = new Command('forecast-workbench').exitOverride().configureOutput({ writeErr: () => {} });
  registerPredictCommand(program, (text) => (printed += text));
  await program.parseAsync(['predict', ...args], { from: 'user' });
  return printed;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-predict-cli-'));
  const tiny = await tinyRun(root, { forecastSteps: 4 });
  bundle = join(root, 'bundle');
  await writeRunBundle({ dir: bundle, model: tiny.model, result: tiny.result });
  tiny.model.dispose();
  second = await writeSeriesCsv(root, 'second.csv', 30, [], 5);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('forecast-workbench predict', () => {
  it('prints a summary: rows predicted, RMSE, forecast', async () => {
    const text = await predictInProcess([bundle, '--csv', second]);
    expect(text).toContain('Data: second.csv, 30 rows');
    expect(text).toContain('Predicted 26 window(s), 26 value(s).');
    expect(text).toMatch(/RMSE: [\d.]+ scaled \(saved scaler\), [\d.]+ in original units/);
    expect(text).toContain('Forecast, 4 step(s) after the last row:');
    expect(text).toMatch(/\n\s+1\s+2002-07\s+-?[\d.]+/);
  });

  it('writes --out as a new CSV and refuses to overwrite it', async () => {
    const out = join(root, 'out.csv');
    const text = await predictInProcess([bundle, '--csv', second, '--steps', '2', '--out', out]);
    expect(text).toContain(`Wrote ${out}`);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    // The bundle's 80 % and 95 % bands follow, lower and upper per level (empty where unbounded).
    expect(lines[0]).toBe('kind,index,time,step,actual,predicted,lower_80,upper_80,lower_95,upper_95');
    expect(lines).toHaveLength(1 + 26 + 2);
    expect(lines[1]).toMatch(/^prediction,4,2000-05,1,[\d.-]+,[\d.-]+(,[\d.-]*){4}$/);
    expect(lines[28]).toMatch(/^forecast,31,2002-08,2,,[\d.-]+(,[\d.-]*){4}$/);
    await expect(predictInProcess([bundle, '--csv', second, '--out', out])).rejects.toThrow(/out\.csv already exists; choose another name/);
    await expect(predictInProcess([bundle, '--csv', second, '--steps', 'many'])).rejects.toThrow(`option '--steps <n>' argument 'many' is invalid. "many" is not a whole number.`);
    await expect(predictInProcess([bundle, '--csv', second, '--steps', '-1'])).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('as a real process: --json prints one JSON object; a mismatched CSV gives one line on stderr and exit 1', async () => {
    const { stdout } = await run(process.execPath, [cli, 'predict', bundle, '--csv', second, '--steps', '3', '--json'], { timeout: 120_000 });
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    const prediction = BundlePredictionSchema.parse(parsed);
    expect(prediction.windows).toBe(26);
    expect(prediction.forecast).toHaveLength(3);
    expect(prediction.metrics?.original.rmse).toBeGreaterThan(0);
    expect(parsed.out).toBeNull();

    const other = join(root, 'other.csv');
    await import('node:fs/promises').then((fs) => fs.writeFile(other, 'Month,Level\n2000-01,1\n2000-02,2\n'));
    const failure = await run(process.execPath, [cli, 'predict', bundle, '--csv', other], { timeout: 120_000 }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    const errorLines = failure!.stderr.split('\n').filter((l) => l.startsWith('forecast-workbench:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/other\.csv does not fit this bundle, which needs target "Value"/);
  });

  it('--map Value=Total reads a file whose column is named differently, with the same predictions as the original names', async () => {
    const renamed = join(root, 'renamed.csv');
    const fs = await import('node:fs/promises');
    await fs.writeFile(renamed, (await readFile(second, 'utf8')).replace(/^Month,Value\n/, 'Month,Total\n'));
    await expect(predictInProcess([bundle, '--csv', renamed])).rejects.toThrow(/renamed\.csv does not fit this bundle, which needs target "Value"/);
    const mapped = BundlePredictionSchema.parse(JSON.parse(await predictInProcess([bundle, '--csv', renamed, '--map', 'Value=Total', '--json'])));
    const original = BundlePredictionSchema.parse(JSON.parse(await predictInProcess([bundle, '--csv', second, '--json'])));
    expect(mapped.predictions).toEqual(original.predictions);
    expect(mapped.forecast).toEqual(original.forecast);
    expect(mapped.dataset.column).toBe('Total');
    expect(mapped.warnings).toContain(`renamed.csv's column "Total" was used as the model's "Value".`);
    await expect(predictInProcess([bundle, '--csv', renamed, '--map', 'Valu=Total'])).rejects.toThrow(/The column mapping does not fit this bundle.*"Valu", which the model does not use/);
    await expect(predictInProcess([bundle, '--csv', renamed, '--map', 'Total'])).rejects.toThrow(/--map takes EXPECTED=OWN/);
  });
});
