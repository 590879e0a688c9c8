import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('reuses one training process for many points; a worker SIGKILLed mid-run costs only its point: trained again in a new process', async () => {
    const store = new RunStore(join(scratch, 'retry'), { origin: 'cli' });
    const sweeps = new SweepService({ launcher: forkLauncher({ echoStderr: null }), store, log: () => {} });
    const base = parseRunConfig({ data: { path: csv }, prep: { timeSteps: 6 }, training: { epochs: 2, batchSize: 16, seed: 1 }, trainer: 'tfjs' });
    const pids = new Set<number>();
    const warnings: string[] = [];
    let killed: number | null = null;
    const { sweepId } = sweeps.start(
      { base, grid: { epochs: [300, 2, 3] }, parallel: 1, rankBy: 'test' },
      {
        onEvent: (event) => {
          if (event.type === 'message' && event.level === 'warning') warnings.push(event.text);
          if (event.type !== 'started') return;
          const pid = sweeps.processOf(sweepId, event.runId)!;
          pids.add(pid);
          if (killed === null && event.epochs === 300) {
            killed = pid;
            process.kill(pid, 'SIGKILL');
          }
        },
      },
    );
    const status = await sweeps.wait(sweepId);
    sweeps.dispose();
    expect(killed).not.toBeNull();
    expect(status).toMatchObject({ state: 'finished', total: 3, done: 3, failed: 0 });
    expect(warnings).toEqual([expect.stringMatching(/^The training process stopped unexpectedly \(signal SIGKILL\)\. Training this run again from the start in a new process…$/)]);
    // The killed process, then one new process for the retried point and both others.
    expect(pids.size).toBe(2);
    const listing = await store.list();
    expect(listing.runs.map((r) => [r.status, r.epochsDone]).sort()).toEqual([['finished', 2], ['finished', 3], ['finished', 300]]);
  });

  it('a point whose process dies again is failed with a sentence and the sweep goes on', async () => {
    const store = new RunStore(join(scratch, 'crash'), { origin: 'cli' });
    const sweeps = new SweepService({ launcher: forkLauncher({ echoStderr: null }), store, log: () => {} });
    const base = parseRunConfig({ data: { path: csv }, prep: { timeSteps: 6 }, training: { epochs: 2, batchSize: 16, seed: 1 }, trainer: 'tfjs' });
    const pids = new Set<number>();
    const { sweepId } = sweeps.start(
      { base, grid: { epochs: [300, 2] }, parallel: 1, rankBy: 'test' },
      {
        onEvent: (event) => {
          if (event.type !== 'started') return;
          const pid = sweeps.processOf(sweepId, event.runId)!;
          pids.add(pid);
          if (event.epochs === 300) process.kill(pid, 'SIGKILL');
        },
      },
    );
    const status = await sweeps.wait(sweepId);
    sweeps.dispose();
    expect(status).toMatchObject({ state: 'finished', total: 2, done: 2, failed: 1 });
    expect(pids.size).toBe(3);
    const failures = status.ranked.flatMap((p) => p.failures);
    expect(failures).toEqual(['The training process stopped unexpectedly (signal SIGKILL) while training this run, 2 times; the other runs went on.']);
    const listing = await store.list();
    expect(listing.runs.map((r) => r.status).sort()).toEqual(['failed', 'finished']);
    const failed = listing.runs.find((r) => r.status === 'failed')!;
    expect(failed.failure).toEqual({ kind: 'crashed', message: failures[0] });
    expect(failed.recoverable).toBe(false);
  });

  it('writes light bundles (no chart images) that the history can complete', async () => {
    const store = new RunStore(join(scratch, 'light'), { origin: 'cli' });
    const sweeps = new SweepService({ launcher: forkLauncher({ echoStderr: null }), store, log: () => {} });
    const base = parseRunConfig({ data: { path: csv }, prep: { timeSteps: 6 }, training: { epochs: 2, batchSize: 16, seed: 1 } });
    const { sweepId } = sweeps.start({ base, grid: { units: [2] }, rankBy: 'test' });
    const status = await sweeps.wait(sweepId);
    sweeps.dispose();
    const runId = status.bestRunId!;
    const bundleDir = join(store.dir, runId);
    const metadata = JSON.parse(await readFile(join(bundleDir, 'metadata.json'), 'utf8'));
    expect(metadata.files.charts).toEqual([]);
    expect(await readFile(join(bundleDir, 'README.txt'), 'utf8')).toContain('Left out of this light bundle');
    const { addBundleChartsFrom, readBundle } = await import('../engine/bundle/index.js');
    const charts = await addBundleChartsFrom(bundleDir, store.resultFile(runId));
    expect(charts).toEqual(expect.arrayContaining(['loss.svg', 'predictions.svg']));
    expect((await readBundle(bundleDir)).files).toEqual(expect.arrayContaining(charts));
    expect(JSON.parse(await readFile(join(bundleDir, 'metadata.json'), 'utf8')).files.charts).toEqual(charts);
  });
});
