/**
 * Where the queue lives and what it is called: the Redis URL (redis:// or rediss:// for TLS, with an
 * optional user:password), BullMQ's key prefix, the two queue names and the per-sweep keys.
 */
import { Redis } from 'ioredis';
import { InvalidInputError } from '../../contract/run-config.js';

/** BullMQ key prefix for everything the workbench keeps in Redis. */
export const QUEUE_PREFIX = 'forecast-workbench';
/** Workers take training jobs from this queue. */
export const TRAINING_QUEUE = 'training';
/** Each sweep's parent job (its flow) lives here; no worker processes it, the sender removes it when done. */
export const SWEEP_QUEUE = 'sweeps';

export const datasetKey = (sweepId: string, sha256: string) => `${QUEUE_PREFIX}:sweep:${sweepId}:dataset:${sha256}`;
export const cancelKey = (sweepId: string) => `${QUEUE_PREFIX}:sweep:${sweepId}:cancelled`;

/** Check a queue URL; the error is one sentence for people. The password is never repeated in it. */
export function checkQueueUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(`"${url}" is not a queue URL: write redis://HOST:PORT or rediss://HOST:PORT (TLS), with user:password@ before the host if needed.`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidInputError(`The queue URL must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//.`);
  }
  if (!parsed.hostname) throw new InvalidInputError('The queue URL names no host: write redis://HOST:PORT.');
  return parsed;
}

/** The URL as logs may show it: without the password. */
export function safeQueueUrl(url: string): string {
  const parsed = checkQueueUrl(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * A Redis connection for BullMQ (ioredis enables TLS for rediss://). Commands wait across a Redis
 * restart instead of failing (maxRetriesPerRequest: null, as BullMQ requires for workers).
 */
export function connectRedis(url: string): Redis {
  checkQueueUrl(url);
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}
