/**
 * Where a run's checkpoint lives, and what a host may do with the checkpoints folder without loading
 * TensorFlow.js: tell whether a run can be recovered, finish a replacement a crash interrupted, list the
 * checkpoints of runs that never ended, and sweep away what cannot be recovered.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILES } from '../../contract/bundles.js';
import type { InterruptedRun } from '../../contract/training-process.js';
import { REPLACED_SUFFIX, REPLACING_SUFFIX, replacedFolderPaths } from '../bundle/atomic.js';

export const CHECKPOINT_STATE_FILE = 'checkpoint.json';
const CHECKPOINTS_FOLDER = '.checkpoints';

export function checkpointDir(runsDir: string, runId: string): string {
  return join(runsDir, CHECKPOINTS_FOLDER, runId);
}

export function hasCheckpoint(runsDir: string, runId: string): boolean {
  return existsSync(join(checkpointDir(runsDir, runId), CHECKPOINT_STATE_FILE));
}

/** A run whose process died can be finished if it left a checkpoint, or had already written its bundle. */
export function isRecoverable(runsDir: string, runId: string): boolean {
  return hasCheckpoint(runsDir, runId) || bundleWritten(runsDir, runId);
}

/** The run's bundle is in the store (its metadata, written last, is there). */
function bundleWritten(runsDir: string, runId: string): boolean {
  return existsSync(join(runsDir, runId, BUNDLE_FILES.metadata));
}

/**
 * A process killed while replacing its checkpoint can leave it only in `dir.partial` (complete once its
 * state file, written last, is whole) or `dir.old`: move the newest complete one back into place. Returns whether the run
 * now has a complete checkpoint.
 */
export function repairCheckpoint(runsDir: string, runId: string): boolean {
  const dir = checkpointDir(runsDir, runId);
  if (!existsSync(join(dir, CHECKPOINT_STATE_FILE))) {
    for (const candidate of [`${dir}${REPLACING_SUFFIX}`, `${dir}${REPLACED_SUFFIX}`]) {
      if (!stateIsReadable(candidate)) continue;
      rmSync(dir, { recursive: true, force: true });
      renameSync(candidate, dir);
      break;
    }
  }
  return hasCheckpoint(runsDir, runId);
}


/** The state file is there and whole (a process killed while writing it leaves it cut short). */
function stateIsReadable(dir: string): boolean {
  try {
    JSON.parse(readFileSync(join(dir, CHECKPOINT_STATE_FILE), 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/** The few fields of a checkpoint's state (engine/train/checkpoint.ts CheckpointStateSchema) a host shows. */
function summarize(runsDir: string, runId: string): InterruptedRun {
  const summary: InterruptedRun = { runId, epochs: 0, totalEpochs: null, savedAt: null, backend: null };
  try {
    const state = JSON.parse(readFileSync(join(checkpointDir(runsDir, runId), CHECKPOINT_STATE_FILE), 'utf8')) as {
      history?: unknown;
      savedAt?: unknown;
      config?: { backend?: unknown; training?: { epochs?: unknown } };
    };
    if (Array.isArray(state.history)) summary.epochs = state.history.length;
    if (typeof state.savedAt === 'string') summary.savedAt = state.savedAt;
    if (typeof state.config?.training?.epochs === 'number') summary.totalEpochs = state.config.training.epochs;
    if (typeof state.config?.backend === 'string') summary.backend = state.config.backend;
  } catch {
    // A run with only its written bundle left has no readable state: recoverRun reads the bundle instead.
  }
  return summary;
}

/**
 * The checkpoints of runs that never ended (a host that died mid-run, a recovery that was killed), except
 * `activeRunIds`. Interrupted replacements are repaired first; `sweep` also removes what cannot be
 * recovered (a checkpoint folder without its state and without a written bundle, leftover `.partial` /
 * `.old` folders) when older than `staleAfterMs` (so another host's checkpoint being written survives).
 */
export function interruptedRuns(
  runsDir: string,
  options: { activeRunIds?: Iterable<string>; sweep?: boolean; staleAfterMs?: number; now?: number } = {},
): InterruptedRun[] {
  const root = join(runsDir, CHECKPOINTS_FOLDER);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const active = new Set(options.activeRunIds ?? []);
  const now = options.now ?? Date.now();
  const stale = (path: string) => {
    try {
      return now - statSync(path).mtimeMs >= (options.staleAfterMs ?? 10 * 60_000);
    } catch {
      return false;
    }
  };
  const runIds = new Set(names.map((name) => [REPLACING_SUFFIX, REPLACED_SUFFIX].reduce((id, suffix) => (id.endsWith(suffix) ? id.slice(0, -suffix.length) : id), name)));
  const found: InterruptedRun[] = [];
  for (const runId of runIds) {
    if (active.has(runId)) continue;
    const recoverable = repairCheckpoint(runsDir, runId) || bundleWritten(runsDir, runId);
    if (recoverable) found.push(summarize(runsDir, runId));
    if (!options.sweep) continue;
    const dir = checkpointDir(runsDir, runId);
    const leftovers = replacedFolderPaths(dir).slice(recoverable ? 1 : 0);
    for (const path of leftovers) if (existsSync(path) && stale(path)) rmSync(path, { recursive: true, force: true });
  }
  return found.sort((a, b) => (b.savedAt ?? '').localeCompare(a.savedAt ?? ''));
}

/** Remove a run's checkpoint and its leftovers (the user chose not to recover it). */
export function discardCheckpoint(runsDir: string, runId: string): void {
  const dir = checkpointDir(runsDir, runId);
  for (const path of replacedFolderPaths(dir)) rmSync(path, { recursive: true, force: true });
}
