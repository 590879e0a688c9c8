/**
 * Checkpoints: while a run trains for a host, the weights of its last finished epoch and the losses so far
 * are kept on disk (runsDir/.checkpoints/runId), replaced atomically every few seconds. If the training
 * process dies, the host recovers the run from its checkpoint instead of losing it; a run that ends in any
 * other way removes its checkpoint.
 */
import { readFile, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { InvalidInputError, parseWith, RunConfigSchema, TRAINER_NAMES } from '../../contract/run-config.js';
import { EpochRecordSchema } from '../../contract/run-result.js';
import { removeReplacedFolder, replaceFolderAtomically } from '../bundle/atomic.js';
import { fileSystemLoader, fileSystemSaver } from '../bundle/fs-io.js';
import { CHECKPOINT_STATE_FILE as STATE_FILE } from './checkpoint-location.js';
import type { Checkpointer } from './trainer.js';

export const CheckpointStateSchema = z.object({
  runId: z.string(),
  /** The configuration as run, with the seed that was used. */
  config: RunConfigSchema,
  seed: z.number().int(),
  backend: z.string(),
  /** The trainer that trained the run (checkpoints written before trainers were recorded: tfjs). */
  trainer: z.enum(TRAINER_NAMES).default('tfjs'),
  history: z.array(EpochRecordSchema).min(1),
  trainSeconds: z.number(),
  savedAt: z.string(),
});
export type CheckpointState = z.infer<typeof CheckpointStateSchema>;

export { checkpointDir } from './checkpoint-location.js';

/** Replace the checkpoint in `dir` with the model's current weights and `state`, atomically. */
export async function writeCheckpoint(dir: string, model: tf.LayersModel, state: CheckpointState): Promise<void> {
  await replaceFolderAtomically(dir, async (partial) => {
    await model.save(fileSystemSaver(partial));
    await writeFile(join(partial, STATE_FILE), JSON.stringify(state));
  });
}

/** Default least time between two checkpoints. */
const CHECKPOINT_INTERVAL_MS = 2000;

/**
 * The Checkpointer a trainer is given: due at most every `intervalMs` (0 = after every epoch), and `save`
 * replaces the checkpoint in `dir` with the model and the run's state so far.
 */
export function createCheckpointer(
  dir: string,
  run: Pick<CheckpointState, 'runId' | 'config' | 'seed' | 'backend' | 'trainer'>,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): Checkpointer {
  let last = -Infinity;
  return {
    due: () => performance.now() - last >= intervalMs,
    async save(model, history, elapsedSeconds) {
      last = performance.now();
      await writeCheckpoint(dir, model, { ...run, history: [...history], trainSeconds: elapsedSeconds, savedAt: new Date().toISOString() });
    },
  };
}

export async function removeCheckpoint(dir: string): Promise<void> {
  await removeReplacedFolder(dir);
  // Leave no empty .checkpoints folder behind.
  await rmdir(dirname(dir)).catch(() => undefined);
}

/** The checkpoint's state, or null when there is none (or it is unreadable). */
export async function readCheckpointState(dir: string): Promise<CheckpointState | null> {
  try {
    return parseWith(CheckpointStateSchema, JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')), 'checkpoint');
  } catch {
    return null;
  }
}

export async function loadCheckpoint(dir: string): Promise<{ state: CheckpointState; model: tf.LayersModel }> {
  const state = await readCheckpointState(dir);
  if (!state) throw new InvalidInputError(`There is no usable checkpoint in ${dir}.`);
  const model = await tf.loadLayersModel(fileSystemLoader(dir));
  return { state, model };
}
