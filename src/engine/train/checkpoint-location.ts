/** Where a run's checkpoint lives (a light module, without TensorFlow.js, so hosts can look for one). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKPOINT_STATE_FILE = 'checkpoint.json';

export function checkpointDir(runsDir: string, runId: string): string {
  return join(runsDir, '.checkpoints', runId);
}

export function hasCheckpoint(runsDir: string, runId: string): boolean {
  return existsSync(join(checkpointDir(runsDir, runId), CHECKPOINT_STATE_FILE));
}

/** A run whose process died can be finished if it left a checkpoint, or had already written its bundle. */
export function isRecoverable(runsDir: string, runId: string): boolean {
  return hasCheckpoint(runsDir, runId) || existsSync(join(runsDir, runId, 'metadata.json'));
}
