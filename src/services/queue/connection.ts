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

/**
 * Close a connection and resolve once its socket is closed: QUIT first, so that Redis has let go of it when
 * this resolves; a Redis that does not answer within timeoutMs has the socket closed from this side.
 */
export async function closeRedis(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status === 'end') return;
  let over = false;
  const ended = new Promise<void>((resolve) =>
    redis.once('end', () => {
      over = true;
      resolve();
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = (ms: number) => new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([redis.quit().then(() => ended, () => undefined), waited(timeoutMs)]);
  clearTimeout(timer);
  if (!over) {
    redis.disconnect();
    await Promise.race([ended, waited(timeoutMs)]);
    clearTimeout(timer);
  }
}
