import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../contract/run-events.js';
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
