/**
 * Sweeps sent to a Redis queue (BullMQ) from a host: the queue URL and how it is checked, the request (a
 * sweep request plus the URL), the status a host reports while the workers run the points (a SweepStatus
 * plus what is running, what was cancelled, and why each failed or cancelled run ended), and the host
 * channels ('queue-sweep:*', spread into `channels` in workbench-api.ts). The URL's password never leaves
 * the host: the status carries the URL without it.
 */
import { z } from 'zod';
import { SweepRequestSchema, SweepStatusSchema } from './run-history.js';

/** What is wrong with a queue URL, as one sentence for people (never repeating the URL: it may hold a password), or null. */
export function queueUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'That is not a queue URL: write redis://HOST:PORT or rediss://HOST:PORT (TLS), with user:password@ before the host if needed.';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `The queue URL must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//.`;
  }
  if (!parsed.hostname) return 'The queue URL names no host: write redis://HOST:PORT.';
  return null;
}

/** The URL as logs and pages may show it: the password replaced by ***. Call only on a URL without a problem. */
export function queueUrlWithoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export const QueueUrlSchema = z
  .string()
  .trim()
  .min(1, 'Give the queue URL (redis://HOST:PORT).')
  .max(2000)
  .superRefine((url, context) => {
    const problem = queueUrlProblem(url);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

export const QueueSweepRequestSchema = SweepRequestSchema.extend({
  /** redis://[user:password@]HOST:PORT, or rediss:// for TLS. */
  queueUrl: QueueUrlSchema,
  /** Tries per job for errors other than bad data (bad data is never retried). */
  attempts: z.number().int().min(1).max(20).default(3),
});
export type QueueSweepRequestInput = z.input<typeof QueueSweepRequestSchema>;

/** One run of a queued sweep that has ended: finished, failed (with the sentence) or cancelled (with the reason). */
export const QueueRunOutcomeSchema = z.object({
  runId: z.string(),
  point: z.number().int(),
  repeat: z.number().int(),
  seed: z.number().int(),
  status: z.enum(['finished', 'failed', 'cancelled']),
  reason: z.string().nullable(),
});
export type QueueRunOutcome = z.infer<typeof QueueRunOutcomeSchema>;

export const QueueSweepStatusSchema = SweepStatusSchema.extend({
  /** The queue, without its password. */
  queue: z.string(),
  /** Jobs a worker has in hand now. */
  running: z.number().int(),
  /** Jobs that ended because the sweep was cancelled (not counted in done or failed). */
  cancelled: z.number().int(),
  /** Every run that has ended so far, in the order they ended. */
  ended: z.array(QueueRunOutcomeSchema),
  /** Why the sweep as a whole could not go on (e.g. Redis cannot be reached), or null. */
  problem: z.string().nullable(),
});
export type QueueSweepStatus = z.infer<typeof QueueSweepStatusSchema>;

const SweepIdRequest = z.object({ sweepId: z.string().min(1) });

/** The host channels of queued sweeps (spread into `channels` in workbench-api.ts). */
export const queueSweepChannels = {
  /** Check the queue can be reached, send every point as a job under one flow; returns at once. */
  'queue-sweep:start': { request: QueueSweepRequestSchema, response: z.object({ sweepId: z.string(), total: z.number().int() }) },
  'queue-sweep:status': { request: SweepIdRequest, response: QueueSweepStatusSchema },
  /** Remove the queued jobs and stop the running ones; each ends as cancelled with the reason. */
  'queue-sweep:cancel': { request: SweepIdRequest, response: z.object({ cancelling: z.boolean() }) },
} as const;
