/**
 * A finished run travels back through Redis as its job's return value: the RunResult and the files of its
 * bundle in one gzip-compressed JSON document (base64). The sender unpacks it into the local runs folder,
 * atomically (a temporary folder renamed into place), and only once per run id.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { BundleFileNameSchema } from '../../contract/queue-jobs.js';
import { RunResultSchema, type RunResult } from '../../contract/run-result.js';

const PackedRunSchema = z.strictObject({
  result: RunResultSchema,
  files: z.record(BundleFileNameSchema, z.string()),
});
export type PackedRun = z.infer<typeof PackedRunSchema>;

/** Pack a run's result and its bundle folder (plain files only). */
export async function packRun(result: RunResult, bundleDir: string): Promise<string> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(bundleDir, { withFileTypes: true })) {
    if (entry.isFile()) files[entry.name] = (await readFile(join(bundleDir, entry.name))).toString('base64');
  }
  return gzipSync(JSON.stringify({ result, files })).toString('base64');
}

export function unpackRun(packed: string): PackedRun {
  return PackedRunSchema.parse(JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')));
}

/**
 * Write a packed run's bundle to runsDir/runId unless that folder already exists (a run is recorded
 * once). Returns false when it was already there.
 */
export async function writeRunFolder(runsDir: string, runId: string, run: PackedRun): Promise<boolean> {
  const target = join(runsDir, runId);
  if (existsSync(target)) return false;
  await mkdir(runsDir, { recursive: true });
  const partial = join(runsDir, `.${runId}.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial);
  for (const [name, content] of Object.entries(run.files)) await writeFile(join(partial, name), Buffer.from(content, 'base64'));
  try {
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (existsSync(target)) return false;
    throw error;
  }
  return true;
}
