/**
 * Reading a trained bundle folder for the anatomy view: the model comes from the bundle module's loader;
 * metadata.json's `config` is the run configuration the model was trained with.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunConfigSchema, type RunConfig } from '../../contract/run-config.js';

export { loadBundleModel } from '../bundle/index.js';

/**
 * The run configuration stored in the bundle's metadata.json, or null when the file or its config is
 * missing or unreadable (the model alone is enough to explain it).
 */
export async function readBundleRunConfig(bundleDir: string): Promise<RunConfig | null> {
  let metadata: unknown;
  try {
    metadata = JSON.parse(await readFile(join(bundleDir, 'metadata.json'), 'utf8'));
  } catch {
    return null;
  }
  const config = (metadata as { config?: unknown } | null)?.config;
  const parsed = RunConfigSchema.safeParse(config);
  return parsed.success ? parsed.data : null;
}
