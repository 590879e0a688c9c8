import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/run-config.js';
import { bundledDatasetPath } from '../data/bundled-datasets.js';
import { recoverRun, runForecast } from '../run.js';
import { checkpointDir } from './checkpoint.js';

const config = { data: { path: bundledDatasetPath('sunspots.csv') }, training: { seed: 4, epochs: 4, batchSize: 16 } };

describe('checkpoints and recovery of a run whose training process died', () => {
  it('keeps the last finished epoch on disk while training, removes it at the end, and recovers a run from it', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-ckpt-'));
    const crashedRunsDir = mkdtempSync(join(tmpdir(), 'fw-ckpt-crashed-'));
    const runId = 'run-checkpointed';
    const checkpoint = checkpointDir(runsDir, runId);
    // What a process killed right after epoch 2 would leave behind: copy the checkpoint at that moment.
    const result = await runForecast(config, {
      runId,
      runsDir,
      checkpointIntervalMs: 0,
      onEvent: (e) => {
        if (e.type === 'epoch' && e.epoch === 2) cpSync(checkpoint, checkpointDir(crashedRunsDir, runId), { recursive: true });
      },
    });
    expect(result.history).toHaveLength(4);
    expect(existsSync(checkpoint), 'checkpoint removed after the run').toBe(false);
    expect(readdirSync(runsDir)).toEqual([runId]);

    const recovered = await recoverRun(runId, crashedRunsDir);
    expect(recovered.stopReason).toBe('crashed');
    expect(recovered.history.map((h) => h.loss)).toEqual(result.history.slice(0, 2).map((h) => h.loss));
    expect(recovered.bestEpoch).toBe(2);
    expect(recovered.warnings.join(' ')).toMatch(/stopped unexpectedly after epoch 2 of 4/);
    expect(recovered.bundleDir).toBe(join(crashedRunsDir, runId));
    expect(readdirSync(recovered.bundleDir!)).toContain('model.json');
    expect(existsSync(checkpointDir(crashedRunsDir, runId))).toBe(false);

    // The recovered model is exactly the model after epoch 2: the same seeded run stopped there predicts the same.
    const controller = new AbortController();
    const stopped = await runForecast(config, { signal: controller.signal, onEvent: (e) => e.type === 'epoch' && e.epoch === 2 && controller.abort() });
    expect(stopped.history).toHaveLength(2);
    expect(recovered.predictions.map((p) => p.predicted)).toEqual(stopped.predictions.map((p) => p.predicted));
  });

  it('says so when there is no checkpoint to recover from', async () => {
    await expect(recoverRun('run-none', mkdtempSync(join(tmpdir(), 'fw-ckpt-none-')))).rejects.toThrow(InvalidInputError);
  });
});

describe('recovering a run whose process died after writing its bundle', () => {
  it('reports the run from its bundle rather than writing it again', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-ckpt-written-'));
    const result = await runForecast(config, { runId: 'run-written', runsDir });
    const recovered = await recoverRun('run-written', runsDir);
    expect(recovered.stopReason).toBe('completed');
    expect(recovered.history).toEqual(result.history);
    expect(recovered.bundleDir).toBe(result.bundleDir);
    expect(recovered.predictions.map((p) => p.predicted)).toEqual(result.predictions.map((p) => p.predicted));
  });
});

describe('a recovery that fails', () => {
  it('keeps the checkpoint: its data file gone, then its weights cut short; with the data back it recovers', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-ckpt-failed-'));
    const csv = join(root, 'sunspots.csv');
    copyFileSync(bundledDatasetPath('sunspots.csv'), csv);
    const runsDir = join(root, 'runs');
    const crashedRunsDir = join(root, 'crashed');
    const runId = 'run-failed-recovery';
    const checkpoint = checkpointDir(runsDir, runId);
    const crashed = checkpointDir(crashedRunsDir, runId);
    await runForecast(
      { ...config, data: { path: csv } },
      { runId, runsDir, checkpointIntervalMs: 0, onEvent: (e) => e.type === 'epoch' && e.epoch === 2 && cpSync(checkpoint, crashed, { recursive: true }) },
    );
    const before = readdirSync(crashed).sort();

    rmSync(csv);
    await expect(recoverRun(runId, crashedRunsDir)).rejects.toThrow(InvalidInputError);
    expect(readdirSync(crashed).sort(), 'the checkpoint survives a recovery that failed').toEqual(before);

    const weights = join(crashed, 'weights.bin');
    const size = statSync(weights).size;
    const damaged = join(root, 'damaged');
    cpSync(crashed, checkpointDir(damaged, runId), { recursive: true });
    truncateSync(join(checkpointDir(damaged, runId), 'weights.bin'), size - 8);
    copyFileSync(bundledDatasetPath('sunspots.csv'), csv);
    await expect(recoverRun(runId, damaged)).rejects.toThrow();
    expect(readdirSync(checkpointDir(damaged, runId)).sort()).toEqual(before);

    const recovered = await recoverRun(runId, crashedRunsDir);
    expect(recovered.stopReason).toBe('crashed');
    expect(recovered.bestEpoch).toBe(2);
    expect(existsSync(crashed), 'removed once recovered').toBe(false);
  });
});
