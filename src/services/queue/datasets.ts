/**
 * Datasets travel by content: the sender stores each CSV once per sweep in Redis under its sha256, and a
 * worker writes it into its own private dataset store (storeDir/<sha256>/<name>), checking the checksum.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Redis } from 'ioredis';
import { InvalidInputError } from '../../contract/run-config.js';
import { DatasetRefSchema, type DatasetRef } from '../../contract/queue-jobs.js';
import { datasetKey } from './connection.js';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A dataset's file name as a job may carry it (folders dropped, unusual characters replaced). */
export function datasetName(path: string): string {
  const cleaned = basename(path).replace(/[^A-Za-z0-9 _.()+-]/g, '_').replace(/\.\.+/g, '.').replace(/^[^A-Za-z0-9_]+/, '');
  return (cleaned || 'dataset.csv').slice(0, 120);
}

/** Read a local CSV file and store it for the sweep (once per checksum). */
export async function storeDataset(redis: Redis, sweepId: string, path: string, stored: Map<string, DatasetRef>): Promise<DatasetRef> {
  const known = stored.get(path);
  if (known) return known;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InvalidInputError(`Cannot read the dataset ${path} to send it to the queue: ${(error as Error).message}.`);
  }
  const ref = DatasetRefSchema.parse({ sha256: sha256(bytes), name: datasetName(path) });
  if (![...stored.values()].some((r) => r.sha256 === ref.sha256)) await redis.set(datasetKey(sweepId, ref.sha256), bytes);
  stored.set(path, ref);
  return ref;
}

/** The path of a job's dataset in the worker's store, fetched from Redis the first time. */
export async function fetchDataset(redis: Redis, sweepId: string, ref: DatasetRef, storeDir: string): Promise<string> {
  const folder = join(storeDir, ref.sha256);
  const path = join(folder, ref.name);
  if (existsSync(path)) return path;
  const bytes = await redis.getBuffer(datasetKey(sweepId, ref.sha256));
  if (!bytes) throw new InvalidInputError(`The dataset ${ref.name} (sha256 ${ref.sha256.slice(0, 12)}…) is no longer in the queue; its sweep has ended or was cancelled.`);
  if (sha256(bytes) !== ref.sha256) throw new InvalidInputError(`The dataset ${ref.name} in the queue does not match its checksum, so it was not used.`);
  await mkdir(folder, { recursive: true });
  const partial = `${path}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(partial, bytes);
  await rename(partial, path);
  return path;
}
