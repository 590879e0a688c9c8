import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../contract/run-config.js';
import type { RunResult } from '../../contract/run-result.js';
import { seriesCsv } from '../bundle/test-support/tiny-run.js';
import { runForecast } from '../run.js';
import { newRunId } from '../run-id.js';
import { RunRecorder } from './recorder.js';
import { compareRecords, predictionSpread, spreadOf } from './stats.js';
import { INDEX_FILE, RunStore } from './store.js';

let scratch: string;
let csv: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fw-run-store-'));
  csv = join(scratch, 'series.csv');
  await writeFile(csv, seriesCsv(120));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A real run through runForecast, recorded as the CLI records it. */
async function recordedRun(store: RunStore, settings: { timeSteps?: number; units?: number; seed?: number } = {}): Promise<RunResult> {
  const config = parseRunConfig({
    data: { path: csv },
    prep: { timeSteps: settings.timeSteps ?? 6 },
    model: { layers: [{ type: 'simpleRNN', units: settings.units ?? 3 }] },
    training: { epochs: 2, batchSize: 16, seed: settings.seed ?? 1 },
  });
  const recorder = new RunRecorder(store);
  const runId = newRunId();
  await recorder.begin(runId, config);
  let recorded: Promise<void> = Promise.resolve();
  const result = await runForecast(config, { runId, runsDir: store.dir, onEvent: (e) => (recorded = recorder.onEvent(e)) });
  await recorded;
  return result;
}

describe('run store', () => {
  it('keeps runs from the real training path, intact for a new store on the same folder', async () => {
    const dir = join(scratch, 'intact');
    const first = await recordedRun(new RunStore(dir, { origin: 'cli' }));
    const second = await recordedRun(new RunStore(dir, { origin: 'cli' }), { units: 4, seed: 2 });

    const reopened = new RunStore(dir, { origin: 'desktop' });
    const listing = await reopened.list();
    expect(listing.problems).toEqual([]);
    expect(listing.runs.map((r) => r.runId).sort()).toEqual([first.runId, second.runId].sort());
    const record = await reopened.get(first.runId);
    expect(record).toMatchObject({ status: 'finished', origin: 'cli', seed: 1, stopReason: 'completed', backend: first.backend, trainer: first.trainer });
    expect(record.trainer).toBe('fused'); // what 'auto' chose for this spec, not the setting
    expect(record.dataset).toMatchObject({ name: 'series.csv', sha256: first.dataset.sha256, column: first.dataset.column });
    expect(record.history).toEqual(first.history);
    expect(record.metrics).toEqual(first.metrics);
    expect(record.baselines.map((b) => b.test)).toEqual(first.baselines.map((b) => b.test));
    expect(record.config).toEqual(first.config);
    expect(record.bundleDir).toBe(join(dir, first.runId));
    expect(existsSync(join(dir, first.runId, 'model.json'))).toBe(true);
    expect(record.durationSeconds).toBeGreaterThan(0);
    expect(record.bytes).toBeGreaterThan(0);
    expect(listing.diskBytes).toBe(listing.runs.reduce((s, r) => s + (r.bytes ?? 0), 0));

    const { result } = await reopened.result(first.runId);
    expect(result).toEqual(first);
    const summary = listing.runs.find((r) => r.runId === first.runId)!;
    expect(summary.verdict?.modelRmse).toBe(first.metrics.test.original.rmse);
    expect(summary.verdict?.bestBaselineRmse).toBe(Math.min(...first.baselines.map((b) => b.test.original.rmse)));
  });

  it('reports a damaged run file and skips it, listing the others', async () => {
    const dir = join(scratch, 'damaged');
    const store = new RunStore(dir, { origin: 'cli' });
    const good = await recordedRun(store);
    await writeFile(join(store.recordsDir, 'run-broken.json'), '{"version":1,"runId":"run-bro');
    await writeFile(join(store.recordsDir, 'run-wrong.json'), JSON.stringify({ version: 1, runId: 'run-wrong', status: 'exploded' }));
    const listing = await new RunStore(dir, { origin: 'cli' }).list();
    expect(listing.runs.map((r) => r.runId)).toEqual([good.runId]);
    expect(listing.problems).toHaveLength(2);
    expect(listing.problems[0]).toMatch(/^The run file run-broken\.json is damaged \(not valid JSON/);
    expect(listing.problems[1]).toMatch(/^The run file run-wrong\.json is damaged \(.+\); it was skipped\.$/);
    await expect(store.get('run-broken')).rejects.toThrow(/run-broken\.json is damaged/);
    // A damaged summary is rebuilt from its record: the run is still listed.
    await writeFile(join(store.recordsDir, `${good.runId}.summary.json`), '[]');
    const again = await new RunStore(dir, { origin: 'cli' }).list();
    expect(again.runs.map((r) => [r.runId, r.testRmse])).toEqual([[good.runId, good.metrics.test.original.rmse]]);
  });

  it('shows a run whose process died as interrupted', async () => {
    const dir = join(scratch, 'orphan');
    const store = new RunStore(dir, { origin: 'cli' });
    const config = parseRunConfig({ data: { path: csv }, training: { epochs: 2 } });
    await store.begin('run-orphan', config);
    // Hand the record to a process that has ended, as a killed CLI or host leaves it.
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    const path = join(store.recordsDir, 'run-orphan.json');
    for (const file of [path, join(store.recordsDir, 'run-orphan.summary.json')]) {
      const raw = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...raw, owner: { ...raw.owner, pid: deadPid } }));
    }

    const listing = await new RunStore(dir, { origin: 'cli' }).list();
    expect(listing.runs[0]).toMatchObject({ runId: 'run-orphan', status: 'interrupted', recoverable: false });
    expect(listing.runs[0].failure?.message).toMatch(`pid ${deadPid}`);
    // And it is written so.
    expect(JSON.parse(await readFile(path, 'utf8')).status).toBe('interrupted');
  });

  it('renames, tags, pins, deletes, and prunes the oldest unpinned runs to its limits', async () => {
    const dir = join(scratch, 'limits');
    const store = new RunStore(dir, { origin: 'cli' });
    const a = await recordedRun(store, { seed: 1 });
    const b = await recordedRun(store, { seed: 2 });
    const c = await recordedRun(store, { seed: 3 });
    expect(await store.update(a.runId, { name: 'the first', tags: ['keep', ' keep ', 'x'], pinned: true })).toMatchObject({ name: 'the first', tags: ['keep', 'x'], pinned: true });
    const pruned = await store.setLimits({ maxRuns: 2, maxBytes: null });
    expect(pruned).toEqual([b.runId]); // a is older but pinned
    expect(existsSync(join(dir, b.runId))).toBe(false);
    expect((await store.list()).runs.map((r) => r.runId).sort()).toEqual([a.runId, c.runId].sort());

    expect(await store.delete(c.runId)).toBe(true);
    expect(existsSync(join(dir, c.runId))).toBe(false);
    await expect(store.get(c.runId)).rejects.toThrow(`There is no run ${c.runId}`);
    const d = await recordedRun(store, { seed: 4 });
    const listing = await store.list();
    expect(listing.runs.map((r) => r.runId).sort()).toEqual([a.runId, d.runId].sort());
    expect(listing.limits).toEqual({ maxRuns: 2, maxBytes: null });
    expect(await store.setLimits({ maxRuns: null, maxBytes: 1 })).toEqual([d.runId]);
  });

  it('compares runs in one table, and ranks them only on the same test window', async () => {
    const dir = join(scratch, 'compare');
    const store = new RunStore(dir, { origin: 'cli' });
    const a = await recordedRun(store, { units: 2, seed: 1 });
    const b = await recordedRun(store, { units: 5, seed: 1 });
    const c = await recordedRun(store, { timeSteps: 10, seed: 1 });
    const [ra, rb, rc] = await Promise.all([a, b, c].map((r) => store.get(r.runId)));
    const same = compareRecords([ra, rb]);
    expect(same.sameTestWindow).toBe(true);
    const rmse = same.rows.find((r) => r.measure === 'test RMSE')!;
    expect(rmse.values).toEqual([a.metrics.test.original.rmse, b.metrics.test.original.rmse]);
    expect(same.ranking).toEqual(a.metrics.test.original.rmse <= b.metrics.test.original.rmse ? [a.runId, b.runId] : [b.runId, a.runId]);
    const different = compareRecords([ra, rb, rc]);
    expect(different.sameTestWindow).toBe(false);
    expect(different.ranking).toBeNull();
    expect(different.note).toMatch(/different test windows/);
    expect(different.rows.every((r) => r.best === null)).toBe(true);

    const spread = predictionSpread([a, b]);
    const testRows = a.predictions.filter((p) => p.split === 'test');
    expect(spread).toHaveLength(testRows.length);
    const pb = b.predictions.filter((p) => p.split === 'test');
    expect(spread[0]).toMatchObject({ index: testRows[0].index, actual: testRows[0].actual, min: Math.min(testRows[0].predicted, pb[0].predicted) });
  });

  it('computes median, min–max and interquartile range as numpy does', () => {
    expect(spreadOf([5, 1, 4, 2, 3])).toEqual({ median: 3, min: 1, max: 5, q1: 2, q3: 4, iqr: 2, n: 5 });
    expect(spreadOf([1, 2, 3, 4])).toMatchObject({ median: 2.5, q1: 1.75, q3: 3.25 });
    expect(spreadOf([null, NaN])).toBeNull();
  });
});

describe('run labels', () => {
  it('name runs and their model by the cells\' display names', async () => {
    const store = new RunStore(join(scratch, 'labels'), { origin: 'cli' });
    const config = parseRunConfig({ data: { path: csv }, model: { layers: [{ type: 'lstm', units: 4 }, { type: 'simpleRNN', units: 2 }] } });
    const record = await store.begin(newRunId(), config);
    expect(record.name).toBe('LSTM(4)+SimpleRNN(2) on series.csv');
    expect(store.summaryOf(record).model).toBe('LSTM(4)+SimpleRNN(2)');
  });
});

describe('the index of summaries', () => {
  it('answers list from one file while the records folder is unchanged; a damaged or stale index is rebuilt', async () => {
    const store = new RunStore(join(scratch, 'index'), { origin: 'cli' });
    const config = parseRunConfig({ data: { path: csv } });
    const [a, b] = [newRunId(), newRunId()];
    await store.begin(a, config, { name: 'first' });
    await store.begin(b, config, { name: 'second' });
    const past = new Date(Date.now() - 60_000);
    await utimes(store.recordsDir, past, past);
    expect((await store.list()).runs.map((r) => r.name).sort()).toEqual(['first', 'second']);
    const indexFile = join(store.dir, INDEX_FILE);
    expect(JSON.parse(await readFile(indexFile, 'utf8')).folderMtimeMs).toBe((await stat(store.recordsDir)).mtimeMs);

    // Nothing in the folder changed, so its files are not read: a summary edited in place is not seen.
    const summaryFile = join(store.recordsDir, `${a}.summary.json`);
    const summary = JSON.parse(await readFile(summaryFile, 'utf8'));
    await writeFile(summaryFile, JSON.stringify({ ...summary, name: 'edited in place' }));
    await utimes(store.recordsDir, past, past);
    expect((await store.list()).runs.map((r) => r.name).sort()).toEqual(['first', 'second']);

    // A damaged index is rebuilt from the files.
    await writeFile(indexFile, '{"version": 1, "entr');
    const rebuilt = await store.list();
    expect(rebuilt.problems).toEqual([]);
    expect(rebuilt.runs.map((r) => r.name).sort()).toEqual(['edited in place', 'second']);

    // A change through the store changes the folder: the index is stale and the change is listed.
    await store.update(b, { name: 'renamed' });
    const c = newRunId();
    await store.begin(c, config, { name: 'third' });
    expect((await store.list()).runs.map((r) => r.name).sort()).toEqual(['edited in place', 'renamed', 'third']);
    await store.delete(c, { neverStarted: true });
    expect((await store.list()).runs.map((r) => r.name).sort()).toEqual(['edited in place', 'renamed']);
  });
});
