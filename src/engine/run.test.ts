import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunEvent, type RunEvent } from '../contract/run-events.js';
import { bundledDatasetPath } from './data/bundled-datasets.js';
import { runForecast } from './run.js';

const sunspots = bundledDatasetPath('sunspots.csv');

describe('the Keras SimpleRNN sunspots tutorial, reproduced', () => {
  it('trains 20 epochs at batch 1 and lands in the tutorial\'s error range (median of 3 seeds)', async () => {
    const results = [];
    for (const seed of [1, 2, 3]) {
      const events: RunEvent[] = [];
      const result = await runForecast({ data: { path: sunspots }, training: { seed } }, { onEvent: (e) => events.push(e) });
      expect(result.samples).toMatchObject({ train: 187, validation: 0, test: 46, splitIndex: 2256 });
      expect(result.parameterCount).toBe(19); // SimpleRNN(3): 1*3 + 3*3 + 3; Dense(1): 3 + 1
      expect(result.history).toHaveLength(20);
      expect(events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : 0))).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(events[0]).toMatchObject({ type: 'started', backend: result.backend, seed });
      expect(events.at(-1)).toMatchObject({ type: 'finished', runId: result.runId });
      results.push(result);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    const trainRmse = median(results.map((r) => r.metrics.train.rmse));
    const testRmse = median(results.map((r) => r.metrics.test.rmse));
    console.log(`tutorial: train RMSE ${results.map((r) => r.metrics.train.rmse.toFixed(3))}, test RMSE ${results.map((r) => r.metrics.test.rmse.toFixed(3))} (backend ${results[0].backend})`);
    expect(trainRmse).toBeLessThan(0.12);
    expect(testRmse).toBeLessThan(0.15);
    // Honest evaluation: the tutorial model beats the mean baseline on the same test windows.
    for (const r of results) {
      const mean = r.baselines.find((b) => b.name === 'mean');
      expect(mean, 'mean baseline present').toBeDefined();
      expect(r.metrics.test.rmse).toBeLessThan(mean!.test.rmse);
      expect(r.baselines.map((b) => b.name)).toContain('naive');
    }
    // Original units are the scaled errors times the series' range (0 .. 253.8 sunspots).
    const r = results[0];
    expect(r.metrics.test.original.rmse).toBeCloseTo(r.metrics.test.rmse * (r.scaler.max[0] - r.scaler.min[0]), 3);
  });

  it('repeats exactly with the same seed', async () => {
    const config = { data: { path: sunspots }, training: { seed: 7, epochs: 2, batchSize: 8 } };
    const a = await runForecast(config);
    const b = await runForecast(config);
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(b.predictions.map((p) => p.predicted)).toEqual(a.predictions.map((p) => p.predicted));
  });

  it('stops on request and keeps the last finished epoch', async () => {
    const controller = new AbortController();
    const result = await runForecast(
      { data: { path: sunspots }, training: { seed: 1, epochs: 50, batchSize: 4 } },
      { signal: controller.signal, onEvent: (e) => e.type === 'epoch' && e.epoch === 2 && controller.abort() },
    );
    expect(result.stopReason).toBe('user');
    expect(result.history).toHaveLength(2);
    expect(result.bestEpoch).toBe(2);
    expect(result.warnings.join(' ')).toMatch(/keeps epoch 2/);
  });
});

/** A CSV of 60 rows around `scale` (a sine between scale and 3 * scale). */
function scaledSeries(dir: string, scale: number): string {
  const path = join(dir, `series-${scale}.csv`);
  const lines = ['t,value', ...Array.from({ length: 60 }, (_, i) => `${i},${(scale * (2 + Math.sin(i / 3))).toExponential(6)}`)];
  writeFileSync(path, lines.join('\n'));
  return path;
}

const small = { prep: { timeSteps: 4 }, training: { epochs: 2, batchSize: 8, seed: 3 }, evaluation: { forecastSteps: 3, backtestFolds: 2 } };

describe('a trained run is never lost to a reporting step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-run-'));

  it('values near 1e-310 (beyond what ECharts draws as they are): the run finishes, the chart is drawn in units of 1e-310, the bundle is written', async () => {
    const events: RunEvent[] = [];
    const bundleDir = join(dir, 'tiny-values');
    const result = await runForecast({ data: { path: scaledSeries(dir, 1e-310) }, ...small }, { bundleDir, onEvent: (e) => events.push(e) });
    expect(result.warnings.join(' ')).not.toMatch(/chart was left out/);
    expect(events.at(-1)).toMatchObject({ type: 'finished', runId: result.runId });
    const metadata = JSON.parse(readFileSync(join(bundleDir, 'metadata.json'), 'utf8'));
    expect(metadata.warnings).toEqual(result.warnings);
    expect(metadata.files.charts).toContain('predictions.svg');
    expect(readFileSync(join(bundleDir, 'predictions.svg'), 'utf8')).toContain('1e-310');
    expect(result.metrics.test.original.rmse).toBeGreaterThan(0);
    expect(result.metrics.test.original.rmse).toBeLessThan(1e-309);
  });

  it('a run that diverged without a non-finite loss (SGD at learning rate 10, relu) finishes with a sentence saying so', async () => {
    const result = await runForecast({
      data: { path: sunspots },
      model: { layers: [{ type: 'simpleRNN', units: 3, activation: 'relu' }], outputActivation: 'linear' },
      training: { epochs: 3, batchSize: 32, seed: 1, optimizer: 'sgd', learningRate: 10 },
    });
    expect(result.metrics.test.rmse).toBeGreaterThan(1);
    expect(result.warnings.join(' ')).toMatch(/The model's errors exceed the whole range of the data .*training diverged\. Lower the learning rate/);
    // A sane run says nothing of the kind.
    const sane = await runForecast({ data: { path: sunspots }, training: { epochs: 2, batchSize: 32, seed: 1 } });
    expect(sane.warnings.join(' ')).not.toMatch(/diverged/);
  });

  it('values near 1e300: the errors in original units stay finite and the bundle is written', async () => {
    const bundleDir = join(dir, 'huge-values');
    const result = await runForecast({ data: { path: scaledSeries(dir, 1e300) }, ...small }, { bundleDir });
    expect(Number.isFinite(result.metrics.test.original.rmse)).toBe(true);
    expect(result.metrics.test.original.rmse).toBeGreaterThan(1e290);
    expect(result.backtest).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(bundleDir, 'metadata.json'), 'utf8')).metrics).toEqual(result.metrics);
  });
});

describe('run events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-run-events-'));

  it('say the phase: training, then evaluating with a growing fraction up to 1, then writing the bundle, then finished', async () => {
    const events: RunEvent[] = [];
    const result = await runForecast({ data: { path: sunspots }, ...small }, { bundleDir: join(dir, 'phases'), onEvent: (e) => events.push(e) });
    const kinds = events.filter((e) => e.type !== 'batch' && e.type !== 'message').map((e) => (e.type === 'phase' ? `phase:${e.phase}` : e.type));
    const firstEvaluating = kinds.indexOf('phase:evaluating');
    expect(kinds.slice(0, 4)).toEqual(['started', 'phase:training', 'epoch', 'epoch']);
    expect(firstEvaluating).toBe(4);
    expect(kinds.slice(firstEvaluating).filter((k) => k !== 'phase:evaluating')).toEqual(['phase:writing-bundle', 'finished']);
    const fractions = events.flatMap((e) => (e.type === 'phase' && e.phase === 'evaluating' ? [e.fraction] : []));
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a! - b!)).toEqual(fractions);
    expect(events[0]).toMatchObject({ type: 'started', trainer: result.trainer, backend: result.backend });
    expect(result.trainer).toBe('fused');
  });

  it('after Stop, evaluation and bundling still report their phases', async () => {
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const result = await runForecast(
      { data: { path: sunspots }, training: { seed: 1, epochs: 50, batchSize: 4 } },
      {
        signal: controller.signal,
        bundleDir: join(dir, 'stopped'),
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'epoch' && e.epoch === 1) controller.abort();
        },
      },
    );
    expect(result.stopReason).toBe('user');
    const after = events.slice(events.findIndex((e) => e.type === 'epoch') + 1).map((e) => (e.type === 'phase' ? e.phase : e.type));
    expect(after).toContain('evaluating');
    expect(after.slice(-2)).toEqual(['writing-bundle', 'finished']);
  });

  it('Stop during the refit backtest ends its extra trainings: the trained model and its results are kept, the refit reported as stopped', async () => {
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const passengers = bundledDatasetPath('air-passengers.csv');
    const result = await runForecast(
      {
        data: { path: passengers },
        prep: { timeSteps: 12, windowing: 'sliding', testSize: 24 },
        model: { layers: [{ type: 'gru', units: 4 }], outputActivation: 'linear' },
        training: { seed: 3, epochs: 6, batchSize: 16, learningRate: 0.01 },
        evaluation: { refit: { origins: 3, horizon: 6 } },
        backend: 'cpu',
        trainer: 'tfjs',
      },
      {
        signal: controller.signal,
        bundleDir: join(dir, 'refit-stopped'),
        onEvent: (e) => {
          events.push(e);
          // The second origin's training begins: Stop arrives as a host's message would, once that training lets messages in.
          if (e.type === 'phase' && e.phase === 'refitting' && events.filter((x) => x.type === 'phase' && x.phase === 'refitting').length === 2) {
            setImmediate(() => controller.abort());
          }
        },
      },
    );
    // The run's own model trained to the end and was evaluated and bundled as usual.
    expect(result.stopReason).toBe('completed');
    expect(result.history).toHaveLength(6);
    expect(result.metrics.test.count).toBeGreaterThan(0);
    expect(result.metrics.testFromOrigin).not.toBeNull();
    expect(result.bundleDir).toBe(join(dir, 'refit-stopped'));
    expect(JSON.parse(readFileSync(join(dir, 'refit-stopped', 'metadata.json'), 'utf8')).metrics).toEqual(result.metrics);
    // The refit: the first origin finished, the second's training cut short, the third never begun.
    expect(result.refitBacktest).toMatchObject({ origins: 3, trainings: 2, stopped: true });
    expect(result.refitBacktest!.folds.map((f) => f.fold)).toEqual([1]);
    expect(result.warnings).toContain('The refit backtest was stopped by the user after 1 of 3 origins: its table shows only those 1, not the whole backtest.');
    const refitting = events.flatMap((e) => (e.type === 'phase' && e.phase === 'refitting' ? [e.fraction] : []));
    expect(refitting).toEqual([0, 1 / 3]);
    const after = events.slice(events.findIndex((e) => e.type === 'phase' && e.phase === 'refitting')).map((e) => (e.type === 'phase' ? e.phase : e.type));
    expect(after.slice(-2)).toEqual(['writing-bundle', 'finished']);
  }, 300_000);

  it('coalesce epochs that finish sooner than epochEventIntervalMs into one "epochs" event, and the loss curve still gets every epoch', async () => {
    const events: RunEvent[] = [];
    const result = await runForecast(
      { data: { path: sunspots }, training: { epochs: 5, batchSize: 64, seed: 2 } },
      // An interval no run reaches: the first epoch goes out at once, the others wait until training ends, then
      // epochs 2-4 go out in one 'epochs' event and epoch 5 in its own.
      { epochEventIntervalMs: 1e9, onEvent: (e) => events.push(e) },
    );
    const single = events.filter((e) => e.type === 'epoch');
    const coalesced = events.filter((e) => e.type === 'epochs');
    expect(single.map((e) => (e.type === 'epoch' ? e.epoch : 0))).toEqual([1, 5]);
    expect(coalesced).toHaveLength(1);
    expect(events.indexOf(coalesced[0])).toBe(events.indexOf(single[1]) - 1);
    const records = coalesced[0].type === 'epochs' ? coalesced[0].records : [];
    expect(records.map((r) => r.epoch)).toEqual([2, 3, 4]);
    expect(records.map((r) => r.loss)).toEqual(result.history.slice(1, 4).map((h) => h.loss));
    expect(records.map((r) => r.seconds)).toEqual(result.history.slice(1, 4).map((h) => h.seconds));
    // Each event still parses as the contract says (what every host does on receipt).
    for (const e of events) expect(parseRunEvent(e)).toEqual(e);
  });
});

describe('the trainer of a run', () => {
  const config = { data: { path: sunspots }, training: { epochs: 3, batchSize: 16, seed: 1 } };

  it.each([
    ['tfjs', 'tfjs'],
    ['fused', 'fused'],
    ['auto', 'fused'],
  ] as const)('trainer %s trains with %s and says so in the started event and the result', async (choice, used) => {
    const events: RunEvent[] = [];
    const result = await runForecast({ ...config, trainer: choice }, { onEvent: (e) => events.push(e) });
    expect(result.trainer).toBe(used);
    expect(result.config.trainer).toBe(choice);
    expect(events[0]).toMatchObject({ type: 'started', trainer: used });
    expect(result.history).toHaveLength(3);
  });

  it('the same seed gives the same training on both trainers (same initial weights, shuffle order and optimizer)', async () => {
    const tfjs = await runForecast({ ...config, trainer: 'tfjs' });
    const fused = await runForecast({ ...config, trainer: 'fused' });
    fused.history.forEach((h, i) => expect(h.loss).toBeCloseTo(tfjs.history[i].loss, 5));
    expect(fused.metrics.test.rmse).toBeCloseTo(tfjs.metrics.test.rmse, 4);
  });

  it('an unknown trainer is refused by the config', async () => {
    await expect(runForecast({ data: { path: sunspots }, trainer: 'gpu' as never })).rejects.toThrow(/trainer/);
  });
});
