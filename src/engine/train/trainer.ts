/**
 * The trainer seam: what a training implementation does for a run. The tfjs loop (tfjs-trainer.ts) is the
 * first implementation, the fused typed-array kernel (fused-trainer.ts) the second; run.ts picks one per run.
 * TensorFlow.js stays the owner of the model: a trainer starts from the tfjs model's initial weights and, when
 * train() resolves, the tfjs model holds the weights the outcome names (setWeights), so checkpoints, export,
 * anatomy and bundles are the same on every path.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelSpec, TrainingSpec } from '../../contract/run-config.js';
import type { EpochRecord } from '../../contract/run-result.js';
import type { Windows } from '../data/windows.js';

export type TrainerName = 'tfjs' | 'fused';

export interface TrainProgress {
  /** After each finished epoch; training waits for a returned promise. */
  onEpoch?(record: EpochRecord, elapsedSeconds: number, history: readonly EpochRecord[]): void | Promise<void>;
  onBatch?(epoch: number, batch: number, batches: number, meanLoss: number, elapsedSeconds: number): void;
}

export interface TrainOutcome {
  history: EpochRecord[];
  /** 'crashed' only for runs recovered from a checkpoint after their training process died. */
  stopReason: 'completed' | 'early-stopping' | 'user' | 'crashed';
  /** 1-based epoch whose weights the model holds; 0 if stopped before the first epoch ended. */
  bestEpoch: number;
  seconds: number;
}

/**
 * Keeps the model as of the last finished epoch. After each finished epoch the trainer asks `due()`; only
 * then does it bring the tfjs model up to date (setWeights, for the fused path) and await `save`.
 */
export interface Checkpointer {
  due(): boolean;
  save(model: tf.LayersModel, history: readonly EpochRecord[], elapsedSeconds: number): Promise<void>;
}

export interface TrainRequest {
  model: tf.LayersModel;
  spec: ModelSpec;
  train: Windows;
  validation: Windows | null;
  training: TrainingSpec & { seed: number };
  progress?: TrainProgress;
  /** Abort = Stop: training ends within one batch and keeps the last finished epoch. */
  signal?: AbortSignal;
  checkpoint?: Checkpointer | null;
}

/** Predicts a set of windows: [samples * horizon] values in scaled units. */
export type WindowPredictor = (windows: Windows) => Float32Array;

export interface Trainer {
  readonly name: TrainerName;
  /** null when this trainer can train the spec; otherwise one sentence saying why not. */
  unsupportedReason(spec: ModelSpec): string | null;
  /** Trains `request.model` in place (see the file comment). */
  train(request: TrainRequest): Promise<TrainOutcome>;
  /** Inference over the model's current weights (take a new one after setWeights). */
  predictor(model: tf.LayersModel, spec: ModelSpec): WindowPredictor;
}
