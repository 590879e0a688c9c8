/**
 * The training process for real: a child process forked with tsx (as browser mode and the CLI run it)
 * trains on the bundled sunspots series. Electron's utilityProcess path uses the same worker code
 * through `process.parentPort`; it is exercised by e2e/electron.spec.ts where Electron is installed.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../contract/run-events.js';
import type { TrainingProcessMessage } from '../contract/training-process.js';
import { forkLauncher } from '../services/fork-launcher.js';
import type { TrainingProcessHandle } from '../services/launcher.js';
import { TrainingSupervisor } from '../services/training-supervisor.js';

const SUNSPOTS = fileURLToPath(new URL('../../resources/datasets/sunspots.csv', import.meta.url));
const tiny = (extra: Record<string, unknown> = {}) => ({
  data: { path: SUNSPOTS },
  prep: { timeSteps: 12 },
  training: { epochs: 2, batchSize: 32, seed: 7 },
  ...extra,
});

const launcher = forkLauncher({ echoStderr: null });
const handles: TrainingProcessHandle[] = [];
const supervisors: TrainingSupervisor[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.kill();
  for (const s of supervisors.splice(0)) s.dispose();
});

/** Start a raw training process and collect what it sends. */
function rawProcess() {
  const handle = launcher.launch();
  handles.push(handle);
  const messages: TrainingProcessMessage[] = [];
  const waiters: Array<() => void> = [];
  handle.onMessage((m) => {
    messages.push(m as TrainingProcessMessage);
    for (const w of waiters.splice(0)) w();
  });
  const until = (predicate: (m: TrainingProcessMessage) => boolean) =>
    new Promise<TrainingProcessMessage>((resolve) => {
      const check = () => {
        const found = messages.find(predicate);
        if (found) resolve(found);
        else waiters.push(check);
      };
      check();
    });
  return { handle, messages, until };
}

/** Resolves at the supervisor's next event that matches. */
function nextEvent(supervisor: TrainingSupervisor, matches: (e: RunEvent) => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = supervisor.onEvent((e) => {
      if (matches(e)) {
        off();
        resolve();
      }
    });
  });
}

function newSupervisor() {
  const supervisor = new TrainingSupervisor({ launcher, runsDir: null });
  supervisors.push(supervisor);
  const events: RunEvent[] = [];
  supervisor.onEvent((e) => events.push(e));
  return { supervisor, events };
}

describe('training process (real child process)', () => {
  it('announces its backend, then streams started, one epoch event per epoch and the result', async () => {
    const p = rawProcess();
    const ready = await p.until((m) => m.type === 'ready');
    expect(ready).toEqual({ type: 'ready', backend: expect.stringMatching(/^(tensorflow|cpu|wasm)$/) });
    p.handle.send({ type: 'train', runId: 'raw-1', config: tiny() as never, runsDir: null });
    const end = await p.until((m) => m.type === 'finished' || m.type === 'failed');
    expect(end.type).toBe('finished');
    const types = p.messages.map((m) => m.type).filter((t) => t !== 'batch' && t !== 'message' && t !== 'heartbeat' && t !== 'phase');
    expect(types).toEqual(['ready', 'started', 'epoch', 'epoch', 'finished']);
    const phases = p.messages.flatMap((m) => (m.type === 'phase' ? [(m as { phase: string }).phase] : []));
    expect([...new Set(phases)]).toEqual(['training', 'evaluating']);
    const epochs = p.messages.filter((m) => m.type === 'epoch');
    expect(epochs.map((e) => (e as { epoch: number }).epoch)).toEqual([1, 2]);
    if (end.type !== 'finished') throw new Error('unreachable');
    expect(end.runId).toBe('raw-1');
    expect(end.result.history).toHaveLength(2);
    expect(end.result.stopReason).toBe('completed');
    expect(end.result.samples.train).toBe(187);
    expect(end.result.samples.test).toBe(46);
  });

  it('answers an invalid train request with failed/invalid-input and keeps running', async () => {
    const p = rawProcess();
    await p.until((m) => m.type === 'ready');
    p.handle.send('not even an object' as never);
    p.handle.send({ type: 'train', runId: 'bad-1', config: { data: { path: SUNSPOTS }, training: { epochs: 0 } } as never, runsDir: null });
    const failed = await p.until((m) => m.type === 'failed');
    expect(failed).toMatchObject({ type: 'failed', runId: 'bad-1', kind: 'invalid-input' });
    expect((failed as { message: string }).message).toMatch(/training\.epochs/);
  });

  it('reports a missing CSV as invalid input, in a sentence naming the file', async () => {
    const { supervisor, events } = newSupervisor();
    const runId = supervisor.start(tiny({ data: { path: join(fileURLToPath(new URL('.', import.meta.url)), 'no-such-file.csv') } }));
    const end = await supervisor.waitFor(runId);
    expect(end).toMatchObject({ type: 'failed', kind: 'invalid-input', runId });
    expect((end as { message: string }).message).toMatch(/no-such-file\.csv/);
    expect(events.at(-1)).toEqual(end);
  });

  it('refuses a bad configuration before starting a process', () => {
    const { supervisor } = newSupervisor();
    expect(() => supervisor.start({ data: { path: SUNSPOTS }, prep: { timeSteps: -3 } })).toThrow(/prep\.timeSteps/);
    expect(supervisor.activeRunIds()).toEqual([]);
  });

  it('Stop mid-run ends training with stopReason "user", keeping the finished epochs', async () => {
    const { supervisor, events } = newSupervisor();
    const runId = supervisor.start(tiny({ training: { epochs: 500, batchSize: 4, seed: 1 }, trainer: 'tfjs' }));
    await nextEvent(supervisor, (e) => e.type === 'epoch' && e.epoch >= 2);
    expect(supervisor.stop(runId)).toBe(true);
    const end = await supervisor.waitFor(runId);
    expect(end.type).toBe('finished');
    if (end.type !== 'finished') throw new Error('unreachable');
    expect(end.result.stopReason).toBe('user');
    expect(end.result.history.length).toBeGreaterThanOrEqual(2);
    expect(end.result.history.length).toBeLessThan(500);
    expect(supervisor.getResult(runId)?.runId).toBe(runId);
    expect(events.filter((e) => e.type === 'finished')).toHaveLength(1);
    expect(supervisor.stop(runId)).toBe(false);
  });

  it('Stop during the refit backtest ends its extra trainings; the run finishes with its trained model and a refit marked stopped', async () => {
    const { supervisor } = newSupervisor();
    const passengers = fileURLToPath(new URL('../../resources/datasets/air-passengers.csv', import.meta.url));
    const runId = supervisor.start({
      data: { path: passengers },
      prep: { timeSteps: 12, windowing: 'sliding', testSize: 24 },
      model: { layers: [{ type: 'gru', units: 4 }], outputActivation: 'linear' },
      training: { epochs: 12, batchSize: 16, seed: 3, learningRate: 0.01 },
      evaluation: { refit: { origins: 3, horizon: 6 } },
      trainer: 'tfjs',
    });
    // The second origin's training begins (the first origin is done): press Stop.
    await nextEvent(supervisor, (e) => e.type === 'phase' && e.phase === 'refitting' && e.fraction !== null && e.fraction > 0);
    expect(supervisor.stop(runId)).toBe(true);
    const end = await supervisor.waitFor(runId);
    expect(end.type).toBe('finished');
    if (end.type !== 'finished') throw new Error('unreachable');
    expect(end.result.stopReason).toBe('completed');
    expect(end.result.history).toHaveLength(12);
    const refit = end.result.refitBacktest!;
    expect(refit).toMatchObject({ origins: 3, stopped: true });
    // The first origin at least; never the third (Stop came before it began).
    expect(refit.folds.length).toBeGreaterThanOrEqual(1);
    expect(refit.folds.length).toBeLessThan(3);
    expect(refit.trainings).toBeLessThan(3);
    expect(end.result.warnings).toContain(
      `The refit backtest was stopped by the user after ${refit.folds.length} of 3 origins: its table shows only those ${refit.folds.length}, not the whole backtest.`,
    );
  }, 300_000);

  /** The fork launcher, recording the pid of every process it starts. */
  const spyingLauncher = () => {
    const pids: number[] = [];
    const spying = {
      launch() {
        const h = launcher.launch();
        if (h.pid) pids.push(h.pid);
        return h;
      },
    };
    return { pids, spying };
  };

  const firstEpoch = (supervisor: TrainingSupervisor) => nextEvent(supervisor, (e) => e.type === 'epoch');

  it('a training process killed mid-run is reported as crashed, and the next run works', async () => {
    const { pids, spying } = spyingLauncher();
    const supervisor = new TrainingSupervisor({ launcher: spying, runsDir: null });
    supervisors.push(supervisor);
    const events: RunEvent[] = [];
    supervisor.onEvent((e) => events.push(e));

    const first = supervisor.start(tiny({ training: { epochs: 500, batchSize: 4, seed: 1 }, trainer: 'tfjs' }));
    await firstEpoch(supervisor);
    process.kill(pids[0], 'SIGKILL');
    const crashed = await supervisor.waitFor(first);
    expect(crashed).toMatchObject({ type: 'failed', kind: 'crashed', runId: first });
    expect((crashed as { message: string }).message).toMatch(/signal SIGKILL.*ready for a new run/);
    expect(supervisor.activeRunIds()).toEqual([]);

    const second = supervisor.start(tiny());
    const end = await supervisor.waitFor(second);
    expect(end.type).toBe('finished');
    expect(events.filter((e) => e.type === 'epoch' && e.runId === second)).toHaveLength(2);
  });

  it('a training process killed after a checkpoint is recovered: the run finishes from its last checkpointed epoch', async () => {
    const { pids, spying } = spyingLauncher();
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-recover-'));
    const supervisor = new TrainingSupervisor({ launcher: spying, runsDir });
    supervisors.push(supervisor);
    const events: RunEvent[] = [];
    supervisor.onEvent((e) => events.push(e));

    const runId = supervisor.start(tiny({ training: { epochs: 500, batchSize: 4, seed: 1 }, trainer: 'tfjs' }));
    // The checkpoint is written before an epoch is reported, so after epoch 1 there is one to recover from.
    await firstEpoch(supervisor);
    process.kill(pids[0], 'SIGKILL');
    const end = await supervisor.waitFor(runId);
    expect(end.type, JSON.stringify(end)).toBe('finished');
    if (end.type !== 'finished') return;
    expect(pids).toHaveLength(2);
    expect(end.result.stopReason).toBe('crashed');
    expect(end.result.history.length).toBeGreaterThanOrEqual(1);
    expect(end.result.bundleDir).toBe(join(runsDir, runId));
    expect(existsSync(join(runsDir, runId, 'model.json'))).toBe(true);
    expect(existsSync(join(runsDir, '.checkpoints', runId))).toBe(false);
    const note = events.find((e) => e.type === 'message' && e.level === 'warning');
    expect(note && note.type === 'message' ? note.text : '').toMatch(/signal SIGKILL.*Recovering the run from its last checkpoint/);
  });

  const BUILT = fileURLToPath(new URL('../../out/main/training-process.js', import.meta.url));
  it.skipIf(!existsSync(BUILT))(
    'the built entry (out/main/training-process.js, what Electron runs) trains under child_process.fork too (npm test builds it first)',
    async () => {
      const supervisor = new TrainingSupervisor({ launcher: forkLauncher({ entry: BUILT, echoStderr: null }), runsDir: null });
      supervisors.push(supervisor);
      const runId = supervisor.start(tiny());
      const end = await supervisor.waitFor(runId);
      expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    },
  );

  it("starts the run's chosen backend, and says so in a sentence when it cannot start here", async () => {
    const { supervisor } = newSupervisor();
    const cpu = supervisor.start(tiny({ backend: 'cpu' }));
    const cpuEnd = await supervisor.waitFor(cpu);
    expect(cpuEnd.type === 'finished' && cpuEnd.result.backend).toBe('cpu');

    let nativeInstalled = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    } catch {
      nativeInstalled = false;
    }
    const native = supervisor.start(tiny({ backend: 'tensorflow' }));
    const nativeEnd = await supervisor.waitFor(native);
    if (nativeInstalled) expect(nativeEnd.type === 'finished' && nativeEnd.result.backend).toBe('tensorflow');
    else {
      expect(nativeEnd).toMatchObject({ type: 'failed', kind: 'invalid-input' });
      expect((nativeEnd as { message: string }).message).toMatch(/"tensorflow" backend cannot start here.*Choose "auto"/);
    }
  });

  it('refuses a second run while one is training', async () => {
    const { supervisor } = newSupervisor();
    const runId = supervisor.start(tiny({ training: { epochs: 500, batchSize: 4 } }));
    expect(() => supervisor.start(tiny())).toThrow(/already running/);
    supervisor.stop(runId);
    await supervisor.waitFor(runId);
  });
});
