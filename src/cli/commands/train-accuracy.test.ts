/**
 * The accuracy flags of `train`, through the real CLI in a child process (the built lib/):
 * `--transform/--box-cox-lambda/--difference` record the chain in --json and the summary and refuse what cannot
 * work in one sentence, before training; `--refit` prints the refit backtest and puts it in --json.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve('bin/forecast-workbench.mjs');
const passengers = resolve('resources/datasets/air-passengers.csv');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-train-accuracy-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = ['train', '--epochs', '1', '--trainer', 'fused', '--runs-dir', join(root, 'runs')];
  return run(process.execPath, [cli, ...base, ...args], { timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('train with transforms', () => {
  it('--transform box-cox --box-cox-lambda 0.5 --difference 12: the chain in --json, errors in passengers', async () => {
    const outcome = await train(['--csv', passengers, '--transform', 'box-cox', '--box-cox-lambda', '0.5', '--difference', '12', '--time-steps', '12', '--test-size', '24', '--seed', '1', '--json']);
    expect(outcome.stderr).toBe('');
    const json = JSON.parse(outcome.stdout);
    expect(json.hyperparameters.prep).toMatchObject({ transform: 'box-cox', boxCoxLambda: 0.5, difference: [12] });
    expect(json.targetTransform.steps).toEqual([
      { kind: 'box-cox', lambda: 0.5 },
      { kind: 'difference', lag: 12 },
    ]);
    const test = json.predictions.filter((p: { split: string }) => p.split === 'test');
    expect(test.length).toBeGreaterThan(0);
    for (const p of test) expect(p.predicted).toBeGreaterThan(100); // passengers, not transformed differences
    expect(json.verdict.oneStep.best).toBe(
      json.baselines.reduce((a: { name: string; test: { original: { rmse: number } } }, b: typeof a) => (b.test.original.rmse < a.test.original.rmse ? b : a)).name,
    );
  });

  it('says what it did in the summary', async () => {
    const outcome = await train(['--csv', passengers, '--transform', 'log', '--difference', '1,12', '--time-steps', '12']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(
      'Target transformed before scaling: log, then differenced at lag 1, then at lag 12; errors, intervals and the forecast are inverted to Passengers units.',
    );
    // Baselines and references are named as on the results page, under both protocols, and the verdict names the best one.
    expect(outcome.stdout).toMatch(/^ {2}naive, test {2,}\d/m);
    expect(outcome.stdout).toMatch(/^ {2}arima \(reference\), test {2,}\d/m);
    expect(outcome.stdout).toMatch(/^ {2}model, test from origin {2,}\d/m);
    expect(outcome.stdout).toMatch(/^ {2}ets \(reference\), from origin {2,}\d/m);
    expect(outcome.stdout).toMatch(/^Verdict: One step ahead, the network (beats|does not beat) the best baseline or reference, [a-z-]+( \(reference\))?: test RMSE /m);
  });

  it('refuses a lambda without the Box-Cox transform, and the log of a zero, in one sentence', async () => {
    const lambda = await train(['--box-cox-lambda', '0.5']);
    expect(lambda.code).toBe(1);
    expect(lambda.stderr).toMatch(/^forecast-workbench: Invalid run configuration: prep\.boxCoxLambda a Box-Cox lambda applies to the box-cox transform only: .+\n$/);
    const zeros = join(root, 'zeros.csv');
    await writeFile(zeros, 'x,y\n' + Array.from({ length: 60 }, (_, i) => `${i},${i % 5}`).join('\n') + '\n');
    const log = await train(['--csv', zeros, '--transform', 'log', '--time-steps', '4']);
    expect(log.code).toBe(1);
    expect(log.stdout).not.toMatch(/Epoch/);
    expect(log.stderr).toBe('forecast-workbench: The log transform needs positive values, but row 0 holds 0; choose another transform or none.\n');
  });
});

describe('train --refit', () => {
  it('retrains at each origin: the table per fold in the summary, refitBacktest in --json', async () => {
    const args = ['--csv', passengers, '--refit', '2', '--refit-horizon', '6', '--refit-window', 'sliding', '--time-steps', '12'];
    const json = JSON.parse((await train([...args, '--json'])).stdout);
    expect(json.refitBacktest).toMatchObject({ window: 'sliding', horizon: 6, trainings: 2 });
    expect(json.refitBacktest.folds.map((f: { trainStart: number; start: number }) => [f.trainStart, f.start])).toEqual([
      [0, 132],
      [6, 138],
    ]);
    const outcome = await train(args);
    expect(outcome.stdout).toContain('Refit backtest: the network retrained (2 trainings) and the references refitted at each origin, 6 step(s) ahead, sliding window; RMSE in Passengers units');
    expect(outcome.stdout).toMatch(/^ {2}fold \(forecast rows\) +network +naive +seasonal-naive +ets \(reference\) +theta \(reference\) +arima \(reference\)$/m);
    expect(outcome.stdout).toMatch(/^ {2}2 \(138-143\)( +\d+\.\d{3}){6}$/m);
  });
});

describe('predict BUNDLE applies its intervals', () => {
  it('writes lower/upper columns per level for the predictions and the forecast, and reports their coverage', async () => {
    const bundle = join(root, 'with-intervals');
    // A fixed seed: the CLI's default is a random one, and this test reads the trained model's own numbers.
    const trained = await train(['--csv', passengers, '--time-steps', '12', '--windowing', 'sliding', '--validation', '0.25', '--forecast-steps', '3', '--seed', '1', '--out', bundle, '--quiet']);
    expect(trained.code).toBe(0);
    const csvOut = join(root, 'predicted.csv');
    const predicted = await run(process.execPath, [cli, 'predict', bundle, '--csv', passengers, '--out', csvOut], { timeout: 120_000 });
    expect(predicted.stdout).toMatch(/^Prediction intervals \(the bundle's split-conformal bands\): 80 %: [\d.]+ % of actuals inside; 95 %: [\d.]+ % of actuals inside\.$/m);
    expect(predicted.stdout).toContain('Forecast, 3 step(s) after the last row:\n  (beside each value: its 80 % and 95 % interval)\n');
    expect(predicted.stdout, predicted.stdout).toMatch(/^ {5}1 {2}1961-01 +-?[\d.]+ {2}(\[-?[\d.]+, -?[\d.]+\]|\[unbounded\]) (\[-?[\d.]+, -?[\d.]+\]|\[unbounded\])$/m);
    const metadata = JSON.parse(await readFile(join(bundle, 'metadata.json'), 'utf8'));
    const q80 = metadata.intervals.test.find((b: { level: number }) => b.level === 0.8).halfWidth[0];
    const lines = (await readFile(csvOut, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('kind,index,time,step,actual,predicted,lower_80,upper_80,lower_95,upper_95');
    const [, , , , , value, lower, upper] = lines[1].split(',').map(Number);
    expect(lower).toBeCloseTo(value - q80, 9);
    expect(upper).toBeCloseTo(value + q80, 9);
    // The forecast row: no actual, the forecast (of whatever sign a small network gives) and its four bounds.
    expect(lines.at(-1)).toMatch(/^forecast,146,1961-03,3,,-?[\d.]+(,-?[\d.]+){4}$/);
  });
});
