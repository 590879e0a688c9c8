/**
 * Messages between a host (Electron main, the browser-mode server, tests) and the training process.
 * The same messages travel over Electron's utilityProcess port and over Node's child_process IPC.
 */
import { z } from 'zod';
import { parseWith, RunConfigSchema } from './run-config.js';
import { RunEventSchema } from './run-events.js';

export const TrainRequestSchema = z.object({
  type: z.literal('train'),
  runId: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'run ids are letters, digits, dot, dash or underscore'),
  config: RunConfigSchema,
  /** Folder under which the run's bundle is written (as runsDir/runId); null = write none. */
  runsDir: z.string().min(1).nullable(),
});
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

export const StopRequestSchema = z.object({ type: z.literal('stop'), runId: z.string() });

/** Finish a run whose training process died, from its checkpoint under runsDir (see engine/train/checkpoint.ts). */
export const RecoverRequestSchema = z.object({
  type: z.literal('recover'),
  runId: TrainRequestSchema.shape.runId,
  runsDir: z.string().min(1),
});
export type RecoverRequest = z.infer<typeof RecoverRequestSchema>;

export const TrainingProcessRequestSchema = z.discriminatedUnion('type', [TrainRequestSchema, StopRequestSchema, RecoverRequestSchema]);
export type TrainingProcessRequest = z.infer<typeof TrainingProcessRequestSchema>;

export const TrainingProcessReadySchema = z.object({ type: z.literal('ready'), backend: z.string() });

/** What the training process sends: once 'ready' with its backend, then run events. */
export const TrainingProcessMessageSchema = z.union([TrainingProcessReadySchema, RunEventSchema]);
export type TrainingProcessMessage = z.infer<typeof TrainingProcessMessageSchema>;

export function parseTrainingProcessRequest(input: unknown): TrainingProcessRequest {
  return parseWith(TrainingProcessRequestSchema, input, 'training process request');
}

export function parseTrainingProcessMessage(input: unknown): TrainingProcessMessage {
  return parseWith(TrainingProcessMessageSchema, input, 'training process message');
}

/** Environment variable that tells a training process which backend to start. */
export const BACKEND_ENV = 'WORKBENCH_TRAINING_BACKEND';
