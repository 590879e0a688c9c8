/**
 * The job contract of the Redis queue (BullMQ): what a sweep sends to workers on other machines, and what
 * a worker sends back. A job carries data and settings only: one run configuration without any path, one
 * seed, and its dataset by sha256 checksum (the content itself is stored once per sweep in Redis). The
 * worker writes the dataset into its own private dataset store and points the configuration there, so a
 * job can name no file outside that store and carries no code. Workers validate every job with these
 * schemas before running it.
 */
import { z } from 'zod';

/** Sweep and run ids: letters, digits, dot, dash, underscore (they name folders and BullMQ job ids). */
export const QUEUE_ID_PATTERN = /^[A-Za-z0-9._-]{1,80}$/;
const queueId = z.string().regex(QUEUE_ID_PATTERN, 'an id of letters, digits, dot, dash or underscore');

export const DatasetRefSchema = z.strictObject({
  /** sha256 of the CSV file's bytes, lowercase hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 checksum in lowercase hex'),
  /** The file's own name (no folders), kept so the run shows the dataset under its name. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9 _.()+-]{0,119}$/, 'a file name without folders')
    .refine((name) => !name.includes('..'), 'a file name without ".."'),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

/** A run configuration as a job carries it: any RunConfig field except data.path (the worker sets it). */
const JobRunConfigSchema = z.looseObject({
  data: z.looseObject({}).refine((data) => !('path' in data), 'the dataset travels by checksum, so the job names no path'),
});

/** The run id of a sweep's job: deterministic per sweep, point and repeat, so a retried job records the same run. */
export const queuedRunId = (sweepId: string, point: number, repeat: number) => `${sweepId}-p${point}-r${repeat}`;

export const TrainingJobSchema = z.strictObject({
  formatVersion: z.literal(1),
  sweepId: queueId,
  /** Deterministic per job (sweep, point, repeat): a retried job records the same run, never a second one. */
  runId: queueId,
  point: z.number().int().min(0),
  repeat: z.number().int().min(0),
  seed: z.number().int().min(0).max(2_147_483_647),
  dataset: DatasetRefSchema,
  config: JobRunConfigSchema,
});
export type TrainingJob = z.infer<typeof TrainingJobSchema>;

/**
 * A finished job's return value: the run's RunResult and its bundle files, as one gzip-compressed JSON
 * document in base64 (`{ result, files: { name: base64 } }`), so a result is compact in Redis.
 */
export const TrainingJobReturnSchema = z.strictObject({
  formatVersion: z.literal(1),
  runId: queueId,
  packed: z.string().min(1),
});
export type TrainingJobReturn = z.infer<typeof TrainingJobReturnSchema>;

/** Bundle file names a result may carry: plain names in the bundle folder. */
export const BundleFileNameSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/);

/** The sentence a job fails with; people read it, the first schema problem says where. */
export function describeJobProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` (at ${issue.path.join('.')})` : '';
  return `The queue job is not valid and was not run: ${issue?.message ?? 'unknown problem'}${where}.`;
}
