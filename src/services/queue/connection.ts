/**
 * Where the queue lives and what it is called: the Redis URL (redis:// or rediss:// for TLS, with an
 * optional user:password), BullMQ's key prefix, the two queue names and the per-sweep keys.
 */
import { Redis } from 'ioredis';
import { queueUrlProblem, queueUrlWithoutPassword } from '../../contract/queue-sweeps.js';
import { InvalidInputError } from '../../contract/run-config.js';

/** BullMQ key prefix for everything the workbench keeps in Redis. */
export const QUEUE_PREFIX = 'forecast-workbench';
/** Workers take training jobs from this queue. */
export const TRAINING_QUEUE = 'training';
/** Each sweep's parent job (its flow) lives here; no worker processes it, the sender removes it when done. */
export const SWEEP_QUEUE = 'sweeps';

export const datasetKey = (sweepId: string, sha256: string) => `${QUEUE_PREFIX}:sweep:${sweepId}:dataset:${sha256}`;
export const cancelKey = (sweepId: string) => `${QUEUE_PREFIX}:sweep:${sweepId}:cancelled`;

/** Check a queue URL; the error is one sentence for people (contract/queue-sweeps.ts). The password is never repeated in it. */
export function checkQueueUrl(url: string): URL {
  const problem = queueUrlProblem(url);
  if (problem) throw new InvalidInputError(problem);
  return new URL(url);
}

/** The URL as logs may show it: without the password. */
export function safeQueueUrl(url: string): string {
  checkQueueUrl(url);
  return queueUrlWithoutPassword(url);
}

/**
 * A Redis connection for BullMQ (ioredis enables TLS for rediss://). Commands wait across a Redis
 * restart instead of failing (maxRetriesPerRequest: null, as BullMQ requires for workers).
 */
export function connectRedis(url: string): Redis {
  checkQueueUrl(url);
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/**
 * Check that the queue answers (within timeoutMs) before anything is sent to it; otherwise one sentence
 * saying what went wrong, with the URL shown without its password.
 */
export async function reachQueue(url: string, timeoutMs = 10_000): Promise<void> {
  checkQueueUrl(url);
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  let lastError: Error | null = null;
  probe.on('error', (error: Error) => (lastError = error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const why = (lastError ?? (error as Error)).message.split('\n')[0].replace(/\.$/, '');
    throw new InvalidInputError(`Cannot reach the queue at ${safeQueueUrl(url)} (${why}): is Redis running there, and are the host, port and password right?`);
  } finally {
    probe.disconnect();
  }
}
