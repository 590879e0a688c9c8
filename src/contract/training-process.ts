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
  /** false: write the run's bundle without chart images (a sweep's runs); absent = with them. */
  bundleCharts: z.boolean().optional(),
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

/**
 * Sign of life, posted every HEARTBEAT_ENV milliseconds from the moment the process starts, whatever it is
 * doing (training, evaluating, writing the bundle). The host ends a process it has not heard from for its
 * liveness timeout (any message counts) and recovers the run from its checkpoint.
 */
export const TrainingProcessHeartbeatSchema = z.object({ type: z.literal('heartbeat') });

/** What the training process sends: once 'ready' with its backend, then run events; heartbeats throughout. */
export const TrainingProcessMessageSchema = z.union([TrainingProcessReadySchema, TrainingProcessHeartbeatSchema, RunEventSchema]);
export type TrainingProcessMessage = z.infer<typeof TrainingProcessMessageSchema>;

/**
 * A run whose checkpoint is on disk although no process is finishing it (its host died mid-run, or the
 * process recovering it was ended too): the host lists these and can finish each from its checkpoint.
 */
export const InterruptedRunSchema = z.object({
  runId: z.string(),
  /** Epochs finished and kept in the checkpoint (0 when only the run's written bundle is left). */
  epochs: z.number().int().nonnegative(),
  /** Epochs the run was asked for, when the checkpoint says. */
  totalEpochs: z.number().int().nullable(),
  /** When the checkpoint was written (ISO time), when it says. */
  savedAt: z.string().nullable(),
  /** The run's backend setting, when the checkpoint says. */
  backend: z.string().nullable(),
});
export type InterruptedRun = z.infer<typeof InterruptedRunSchema>;

export function parseTrainingProcessRequest(input: unknown): TrainingProcessRequest {
  return parseWith(TrainingProcessRequestSchema, input, 'training process request');
}

export function parseTrainingProcessMessage(input: unknown): TrainingProcessMessage {
  return parseWith(TrainingProcessMessageSchema, input, 'training process message');
}

/** Environment variable that tells a training process which backend to start. */
export const BACKEND_ENV = 'WORKBENCH_TRAINING_BACKEND';

/** Environment variable that tells a training process how often to post a heartbeat (milliseconds). */
export const HEARTBEAT_ENV = 'WORKBENCH_HEARTBEAT_MS';
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

/** The heartbeat interval a process was given in its environment, or the default. */
export function heartbeatIntervalFrom(env: Record<string, string | undefined>): number {
  const ms = Number(env[HEARTBEAT_ENV]);
  return Number.isFinite(ms) && ms >= 10 ? Math.min(ms, 60_000) : DEFAULT_HEARTBEAT_INTERVAL_MS;
}
