/**
 * Supervision of real training processes that hang or die at the worst moment: stopped for real with
 * SIGSTOP (which no SIGTERM ends), killed during recovery, or left behind by a host that went away. Every
 * test waits for an outcome (an event), never for a time; the deadlines are short only to keep it quick.
 */
import { existsSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../contract/run-events.js';
import { parseTrainingProcessMessage } from '../contract/training-process.js';
import { checkpointDir } from '../engine/train/checkpoint-location.js';
import { forkLauncher } from '../services/fork-launcher.js';
import type { TrainingProcessHandle, TrainingProcessLauncher } from '../services/launcher.js';
import { TrainingSupervisor, type TrainingSupervisorOptions } from '../services/training-supervisor.js';

const SUNSPOTS = fileURLToPath(new URL('../../resources/datasets/sunspots.csv', import.meta.url));
const tiny = (training: Record<string, unknown> = {}) => ({
  data: { path: SUNSPOTS },
  prep: { timeSteps: 12 },
  training: { epochs: 2, batchSize: 32, seed: 7, ...training },
});
// Still training when Stop or a kill arrives: the tfjs loop (the fused trainer finishes 500 epochs in a blink).
const long = () => ({ ...tiny({ epochs: 500, batchSize: 4, seed: 1 }), trainer: 'tfjs' as const });

const base = forkLauncher({ echoStderr: null, killGraceMs: 1000 });
const supervisors: TrainingSupervisor[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const s of supervisors.splice(0)) s.dispose();
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** The fork launcher, recording every pid and doing `onLaunch(handle, n)` to the n-th process (0-based). */
function recordingLauncher(onLaunch: (handle: TrainingProcessHandle, n: number) => void = () => {}) {
  const started: number[] = [];
  const launcher: TrainingProcessLauncher = {
    launch(options) {
      const handle = base.launch(options);
      if (handle.pid) {
        started.push(handle.pid);
        pids.push(handle.pid);
      }
      onLaunch(handle, started.length - 1);
      return handle;
    },
  };
  return { launcher, started };
}

function supervise(options: Partial<TrainingSupervisorOptions> & { launcher: TrainingProcessLauncher }) {
  const supervisor = new TrainingSupervisor({ runsDir: null, heartbeatIntervalMs: 200, log: () => {}, ...options });
  supervisors.push(supervisor);
  const events: RunEvent[] = [];
  supervisor.onEvent((e) => events.push(e));
  return { supervisor, events };
}

const nextEvent = (supervisor: TrainingSupervisor, predicate: (e: RunEvent) => boolean) =>
  new Promise<RunEvent>((resolve) => {
    const off = supervisor.onEvent((e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const warnings = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'message' && e.level === 'warning' ? [e.text] : []));

describe('supervising hung and killed training processes (real child processes)', () => {
  it('a training process posts heartbeats the contract accepts, from the start and while idle, at the interval it is given', async () => {
    const handle = base.launch({ heartbeatIntervalMs: 50 });
    if (handle.pid) pids.push(handle.pid);
    const raw: unknown[] = [];
    handle.onMessage((m) => raw.push(m));
    const count = (type: string) => raw.filter((m) => (m as { type?: unknown }).type === type).length;
    // Heartbeats before 'ready' and after it, while the process waits for its request.
    await expect.poll(() => count('ready'), { timeout: 60_000 }).toBe(1);
    const before = count('heartbeat');
    await expect.poll(() => count('heartbeat'), { timeout: 60_000 }).toBeGreaterThanOrEqual(before + 3);
    for (const message of raw) expect(() => parseTrainingProcessMessage(message)).not.toThrow();
    handle.kill();
  });

  it('a training process stopped with SIGSTOP is ended when it falls silent; Stop does not wedge the host, the run is recovered and a new run starts', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-hung-'));
    const { launcher, started } = recordingLauncher();
    const { supervisor, events } = supervise({ launcher, runsDir, livenessTimeoutMs: 20_000 });
    const runId = supervisor.start(long());
    await nextEvent(supervisor, (e) => e.type === 'epoch');
    process.kill(started[0], 'SIGSTOP');
    expect(supervisor.stop(runId)).toBe(true);

    const end = await supervisor.waitFor(runId);
    expect(isAlive(started[0])).toBe(false);
    expect(warnings(events).join('\n')).toMatch(/stopped responding.*ended\. Recovering the run from its last checkpoint/);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    if (end.type !== 'finished') return;
    expect(end.result.stopReason).toBe('crashed');
    expect(end.result.history.length).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(runsDir, runId, 'model.json'))).toBe(true);
    expect(supervisor.activeRunIds()).toEqual([]);

    const next = supervisor.start(tiny());
    expect((await supervisor.waitFor(next)).type).toBe('finished');
  });

  it('a training process stopped before it is ready is ended after the readiness timeout (SIGKILL), and a new run works', async () => {
    const { launcher, started } = recordingLauncher((handle, n) => {
      if (n === 0 && handle.pid) process.kill(handle.pid, 'SIGSTOP');
    });
    const { supervisor } = supervise({ launcher, readyTimeoutMs: 30_000 });
    const first = supervisor.start(tiny());
    const end = await supervisor.waitFor(first);
    expect(end).toMatchObject({ type: 'failed', kind: 'crashed' });
    expect((end as { message: string }).message).toMatch(/did not start within 30 seconds, so it was ended\. Nothing from this run was kept; the workbench is ready for a new run\./);
    expect(isAlive(started[0])).toBe(false);

    const second = supervisor.start(tiny());
    const secondEnd = await supervisor.waitFor(second);
    expect(secondEnd.type === 'failed' ? secondEnd.message : secondEnd.type).toBe('finished');
  });

  it('Stop while the run is evaluating and writing its bundle is not cut short by the stop timeout', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-stop-eval-'));
    const { launcher, started } = recordingLauncher();
    // A stop timeout far shorter than evaluating and bundling: only training after Stop counts against it.
    const { supervisor } = supervise({ launcher, runsDir, stopTimeoutMs: 1 });
    const runId = supervisor.start(tiny());
    // After the last epoch's event no batch follows: the process is evaluating when Stop arrives.
    await nextEvent(supervisor, (e) => e.type === 'epoch' && e.epoch === 2);
    expect(supervisor.stop(runId)).toBe(true);
    const end = await supervisor.waitFor(runId);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    if (end.type !== 'finished') return;
    expect(end.result.stopReason).not.toBe('crashed');
    expect(end.result.history).toHaveLength(2);
    expect(started).toHaveLength(1);
  });

  it('a training process that goes on training after Stop is ended after the stop timeout and the run recovered', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-deaf-'));
    // The first process never hears Stop (its 'stop' message is dropped on the way), so it keeps training.
    const { launcher, started } = recordingLauncher();
    const deaf: TrainingProcessLauncher = {
      launch(options) {
        const handle = launcher.launch(options);
        if (started.length > 1) return handle;
        return { ...handle, pid: handle.pid, send: (message) => (message.type === 'stop' ? undefined : handle.send(message)) };
      },
    };
    const { supervisor, events } = supervise({ launcher: deaf, runsDir, stopTimeoutMs: 2000 });
    const runId = supervisor.start(long());
    await nextEvent(supervisor, (e) => e.type === 'epoch');
    supervisor.stop(runId);
    const end = await supervisor.waitFor(runId);
    expect(warnings(events).join('\n')).toMatch(/did not stop within 2 seconds after Stop, so its process was ended\. Recovering the run from its last checkpoint/);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    expect(end.type === 'finished' && end.result.stopReason).toBe('crashed');
    expect(started).toHaveLength(2);
    expect(isAlive(started[0])).toBe(false);
  });

  it('a killed recovery process is reported with its checkpoint kept, listed as interrupted, and recoverable on request', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-double-crash-'));
    // The recovery process (the second one) is killed as soon as it starts.
    const { launcher, started } = recordingLauncher((handle, n) => {
      if (n === 1 && handle.pid) process.kill(handle.pid, 'SIGKILL');
    });
    const { supervisor, events } = supervise({ launcher, runsDir });
    const runId = supervisor.start(long());
    await nextEvent(supervisor, (e) => e.type === 'epoch');
    process.kill(started[0], 'SIGKILL');

    const end = await supervisor.waitFor(runId);
    expect(end).toMatchObject({ type: 'failed', kind: 'crashed', runId });
    expect((end as { message: string }).message).toMatch(/The process recovering the run was ended by signal SIGKILL.*Its checkpoint is kept on disk/);
    expect((end as { message: string }).message).not.toMatch(/Nothing from this run was kept/);
    expect(warnings(events).join('\n')).toMatch(/signal SIGKILL.*Recovering the run/);
    const interrupted = supervisor.interruptedRuns();
    expect(interrupted).toEqual([expect.objectContaining({ runId, totalEpochs: 500 })]);
    expect(interrupted[0].epochs).toBeGreaterThanOrEqual(1);

    expect(supervisor.recoverInterrupted(runId)).toBe(runId);
    const recovered = await supervisor.waitFor(runId);
    expect(recovered.type === 'failed' ? recovered.message : recovered.type).toBe('finished');
    if (recovered.type !== 'finished') return;
    expect(recovered.result.stopReason).toBe('crashed');
    expect(recovered.result.history).toHaveLength(interrupted[0].epochs);
    expect(existsSync(join(runsDir, runId, 'model.json'))).toBe(true);
    expect(existsSync(checkpointDir(runsDir, runId))).toBe(false);
    expect(supervisor.interruptedRuns()).toEqual([]);
    expect(() => supervisor.recoverInterrupted(runId)).toThrow(/no interrupted run/);
  });

  it('a host that went away mid-run leaves a checkpoint the next host finds at start-up and recovers; unusable leftovers are swept', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-sweep-'));
    const first = supervise({ launcher: recordingLauncher().launcher, runsDir });
    const runId = first.supervisor.start(long());
    await nextEvent(first.supervisor, (e) => e.type === 'epoch');
    first.supervisor.dispose(); // the host shuts down (or dies): its training process ends with it

    // Leftovers of interrupted checkpoint writes, old enough to be stale.
    const leftovers = [join(runsDir, '.checkpoints', 'ghost'), join(runsDir, '.checkpoints', 'ghost.partial'), `${checkpointDir(runsDir, runId)}.old`];
    const longAgo = new Date(Date.now() - 24 * 3600_000);
    for (const dir of leftovers) {
      mkdirSync(dir, { recursive: true });
      utimesSync(dir, longAgo, longAgo);
    }

    const second = supervise({ launcher: recordingLauncher().launcher, runsDir });
    for (const dir of leftovers) expect(existsSync(dir), dir).toBe(false);
    const interrupted = second.supervisor.interruptedRuns();
    expect(interrupted.map((r) => r.runId)).toEqual([runId]);
    second.supervisor.recoverInterrupted(runId);
    const end = await second.supervisor.waitFor(runId);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    expect(second.supervisor.getResult(runId)?.stopReason).toBe('crashed');
    expect(second.supervisor.interruptedRuns()).toEqual([]);
  });
});
