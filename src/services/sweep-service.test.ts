import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../contract/run-config.js';
import { seriesCsv } from '../engine/bundle/test-support/tiny-run.js';
import { RunStore } from '../engine/runs/store.js';
import { forkLauncher } from './fork-launcher.js';
import { SweepService } from './sweep-service.js';

let scratch: string;
let csv: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fw-sweep-'));
  csv = join(scratch, 'series.csv');
  await writeFile(csv, seriesCsv(120));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('SweepService', () => {
  it('Stop cancels what is queued and stops what runs; the stopped run is stored with its epochs', async () => {
    const store = new RunStore(join(scratch, 'stop'), { origin: 'cli' });
    const sweeps = new SweepService({ launcher: forkLauncher({ echoStderr: null }), store, log: () => {} });
    const base = parseRunConfig({ data: { path: csv }, prep: { timeSteps: 6, validationFraction: 0.2 }, training: { epochs: 5000, batchSize: 16, seed: 1 }, trainer: 'tfjs' });
    let stopped = false;
    const { sweepId, total } = sweeps.start(
      { base, grid: { units: [2, 3, 4] }, parallel: 1 },
      {
        onEvent: (event) => {
          if (event.type === 'epoch' && event.epoch >= 2 && !stopped) {
            stopped = true;
            sweeps.stop(sweepId);
          }
        },
      },
    );
    expect(total).toBe(3);
    const status = await sweeps.wait(sweepId);
    sweeps.dispose();
    expect(status).toMatchObject({ state: 'stopped', total: 3, done: 1, failed: 0, rankBy: 'validation', warning: null });
    expect(status.ranked[0].runIds).toHaveLength(1);
    expect(status.ranked.slice(1).every((p) => p.runIds.length === 0)).toBe(true);
    const listing = await store.list();
    expect(listing.runs).toHaveLength(1);
    expect(listing.runs[0]).toMatchObject({ status: 'stopped', stopReason: 'user', sweepId, sweepPoint: 0 });
    expect(listing.runs[0].epochsDone).toBeGreaterThanOrEqual(2);
    expect(status.bestRunId).toBe(listing.runs[0].runId);
    expect(status.ranked[0].validationLoss).toBeGreaterThan(0);
  });
});
