/**
 * The engine worker for real: a child process forked with tsx (as browser mode runs it), driven through
 * processEngine (src/services/engine-process.ts). Electron's utilityProcess path uses the same worker code
 * through `process.parentPort`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnatomyRequestSchema } from '../contract/anatomy.js';
import { ENGINE_METHODS } from '../contract/engine-calls.js';
import type { EngineWorkerMessage } from '../contract/engine-worker.js';
import { InvalidInputError } from '../contract/run-config.js';
import { engineBindings } from '../services/engine-bindings.js';
import { engineStoppedMessage, processEngine, type ProcessEngine } from '../services/engine-process.js';
import { ENGINE_WORKER_ENTRY, forkLauncher } from '../services/fork-launcher.js';
import type { TrainingProcessHandle, TrainingProcessLauncher } from '../services/launcher.js';

const SUNSPOTS = fileURLToPath(new URL('../../resources/datasets/sunspots.csv', import.meta.url));
const launcher = forkLauncher({ entry: ENGINE_WORKER_ENTRY, serialization: 'advanced', echoStderr: null });

const engines: ProcessEngine[] = [];
const handles: TrainingProcessHandle[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
  for (const h of handles.splice(0)) h.kill();
});

function newEngine(): ProcessEngine {
  const engine = processEngine(launcher, { log: () => {} });
  engines.push(engine);
  return engine;
}

let dir: string;
let bigCsv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-worker-test-'));
  // Large enough that reading it takes a while and reports progress before it ends (~60 MB).
  bigCsv = join(dir, 'big.csv');
  const rows = ['time,value,other'];
  for (let i = 0; i < 200_000; i++) rows.push(`${i},${(Math.sin(i / 10) * 100).toFixed(6)},${i % 97}`);
  const block = rows.join('\n') + '\n';
  const more = Array.from({ length: 200_000 }, (_, i) => `${i + 200_000},${(Math.cos(i / 10) * 100).toFixed(6)},${i % 89}`).join('\n') + '\n';
  await writeFile(bigCsv, block + more.repeat(8));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('engine worker (child_process.fork + processEngine)', () => {
  it('inspects a bundled dataset with progress, the same as in-process', async () => {
    const engine = newEngine();
    expect(engine.pid).toBeUndefined(); // started on first use
    const fractions: number[] = [];
    const inspection = await engine.inspectCsv(SUNSPOTS, { onProgress: (f) => fractions.push(f) });
    expect(inspection).toEqual(await engineBindings.inspectCsv(SUNSPOTS));
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBe(1);
    expect(engine.pid).toBeTypeOf('number');
    expect(engine.pid).not.toBe(process.pid);
  });

  it('computes the demo anatomy and loads a series in the same long-lived process', async () => {
    const engine = newEngine();
    const request = AnatomyRequestSchema.parse({ seed: 3 });
    const report = await engine.computeAnatomy(request);
    expect(report).toEqual(await engineBindings.computeAnatomy(request));
    const pid = engine.pid;
    const inspection = await engine.inspectCsv(SUNSPOTS);
    const preview = await engine.loadSeriesPreview({ path: SUNSPOTS, column: inspection.suggestedTarget!, timeColumn: inspection.suggestedTime, missing: 'interpolate' });
    expect(preview.values.length).toBeGreaterThan(100);
    expect(engine.pid).toBe(pid);
  });

  it('turns a bad path into an InvalidInputError with the same sentence as in-process', async () => {
    const engine = newEngine();
    const missing = join(dir, 'no-such-file.csv');
    const inProcess = await engineBindings.inspectCsv(missing).then(
      () => null,
      (e: unknown) => e,
    );
    expect(inProcess).toBeInstanceOf(InvalidInputError);
    const viaWorker = await engine.inspectCsv(missing).then(
      () => null,
      (e: unknown) => e,
    );
    expect(viaWorker).toBeInstanceOf(InvalidInputError);
    expect((viaWorker as InvalidInputError).message).toBe((inProcess as InvalidInputError).message);
    const badBundle = await engine.openBundle(dir).catch((e: unknown) => e);
    const badBundleInProcess = await engineBindings.openBundle(dir).catch((e: unknown) => e);
    expect(badBundle).toBeInstanceOf(badBundleInProcess instanceof InvalidInputError ? InvalidInputError : Error);
    expect((badBundle as Error).message).toBe((badBundleInProcess as Error).message);
  });

  it('fails the call in flight with a clear error when the worker dies, and restarts it for the next call', async () => {
    const engine = newEngine();
    await engine.inspectCsv(SUNSPOTS); // started
    const firstPid = engine.pid!;
    let killed = false;
    const outcome = engine
      .inspectCsv(bigCsv, {
        onProgress: (fraction) => {
          if (!killed && fraction < 1) {
            killed = true;
            process.kill(firstPid, 'SIGKILL');
          }
        },
      })
      .then(
        () => 'finished',
        (e: unknown) => e,
      );
    const error = await outcome;
    expect(killed).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(engineStoppedMessage('inspectCsv'));
    expect((error as Error).message).toBe('The engine process stopped while reading the CSV file; try again.');

    const again = await engine.inspectCsv(SUNSPOTS);
    expect(again.rows).toBeGreaterThan(100);
    expect(engine.pid).toBeTypeOf('number');
    expect(engine.pid).not.toBe(firstPid);
  });

  it('refuses calls after dispose and ends the worker', async () => {
    const engine = newEngine();
    await engine.inspectCsv(SUNSPOTS);
    const pid = engine.pid!;
    engine.dispose();
    await expect(engine.inspectCsv(SUNSPOTS)).rejects.toThrow(/shutting down/);
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);
  });

  it('a worker stopped with SIGSTOP misses its deadlines: it is ended with SIGKILL, every call in flight fails with a sentence, and the next call starts a new worker', async () => {
    const deadlinesMs = Object.fromEntries(ENGINE_METHODS.map((method) => [method, 15_000]));
    const engine = processEngine(launcher, { log: () => {}, deadlinesMs });
    engines.push(engine);
    await engine.inspectCsv(SUNSPOTS);
    const stoppedPid = engine.pid!;
    process.kill(stoppedPid, 'SIGSTOP');

    // Every kind of engine call, in flight together on the stopped worker.
    const calls = [
      engine.inspectCsv(SUNSPOTS),
      engine.loadSeriesPreview({ path: SUNSPOTS, column: 'Sunspots', timeColumn: null, missing: 'interpolate' }),
      engine.computeAnatomy(AnatomyRequestSchema.parse({ seed: 1 })),
      engine.openBundle(dir),
      engine.predictWithBundle(dir, SUNSPOTS),
      engine.exportBundle(dir, join(dir, 'exported')),
    ];
    const errors = await Promise.all(calls.map((c) => c.then(() => null, (e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^(The engine process did not answer within 15 seconds while .+, so it was restarted; try again\.|The engine process stopped while .+; try again\.)$/);
    }
    expect(errors.some((e) => /did not answer within 15 seconds/.test((e as Error).message))).toBe(true);
    await expect.poll(() => isAlive(stoppedPid), { timeout: 30_000 }).toBe(false);

    const again = await engine.inspectCsv(SUNSPOTS);
    expect(again.rows).toBeGreaterThan(100);
    expect(engine.pid).not.toBe(stoppedPid);
  });

  it('a worker stopped before it is ready is ended with SIGKILL after the readiness timeout; the waiting call fails and the next one works', async () => {
    const pids: number[] = [];
    const stoppingFirst: TrainingProcessLauncher = {
      launch(options) {
        const handle = launcher.launch(options);
        if (handle.pid && pids.length === 0) process.kill(handle.pid, 'SIGSTOP');
        if (handle.pid) pids.push(handle.pid);
        return handle;
      },
    };
    const engine = processEngine(stoppingFirst, { log: () => {}, readyTimeoutMs: 30_000 });
    engines.push(engine);
    const error = await engine.inspectCsv(SUNSPOTS).then(() => null, (e: unknown) => e);
    expect((error as Error).message).toBe('The engine process did not start within 30 seconds; try again.');
    await expect.poll(() => isAlive(pids[0]), { timeout: 30_000 }).toBe(false);
    const inspection = await engine.inspectCsv(SUNSPOTS);
    expect(inspection.rows).toBeGreaterThan(100);
    expect(pids).toHaveLength(2);
  });

  it('answers a malformed call with an error and ignores garbage, without crashing', async () => {
    const handle = launcher.launch();
    handles.push(handle);
    const messages: EngineWorkerMessage[] = [];
    handle.onMessage((m) => messages.push(m as EngineWorkerMessage));
    await expect.poll(() => messages.some((m) => m.type === 'engine-ready'), { timeout: 30_000 }).toBe(true);
    handle.send('garbage' as never);
    handle.send({ type: 'engine-call', id: 7, method: 'deleteEverything', args: [] } as never);
    handle.send({ type: 'engine-call', id: 8, method: 'inspectCsv', args: [42, {}] } as never);
    handle.send({ type: 'engine-call', id: 9, method: 'inspectCsv', args: [SUNSPOTS] });
    await expect.poll(() => messages.filter((m) => m.type === 'engine-reply').length, { timeout: 30_000 }).toBe(3);
    const replies = messages.filter((m) => m.type === 'engine-reply');
    expect(replies.find((r) => r.id === 7)).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(replies.find((r) => r.id === 8)).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(replies.find((r) => r.id === 9)).toMatchObject({ ok: true });
  });

  const BUILT = fileURLToPath(new URL('../../out/main/engine-worker.js', import.meta.url));
  it.skipIf(!existsSync(BUILT))(
    'the built entry (out/main/engine-worker.js, what Electron runs) answers under child_process.fork too (npm test builds it first)',
    async () => {
      const engine = processEngine(forkLauncher({ entry: BUILT, serialization: 'advanced', echoStderr: null }), { log: () => {} });
      engines.push(engine);
      const inspection = await engine.inspectCsv(SUNSPOTS);
      expect(inspection.rows).toBeGreaterThan(100);
      const report = await engine.computeAnatomy(AnatomyRequestSchema.parse({ seed: 1 }));
      expect(report.seed).toBe(1);
    },
  );
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
