/**
 * Reading a trained bundle folder for the anatomy view: model.json + weight files in TensorFlow.js layers
 * format (loaded through a small node:fs IOHandler, since plain @tensorflow/tfjs has no file:// IO in
 * Node), and metadata.json, whose `config` is the run configuration the model was trained with.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, RunConfigSchema, type RunConfig } from '../../contract/run-config.js';

/** An IOHandler that loads model.json and its weight files from the local file system. */
export function fileSystemModelLoader(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(await readTextFile(modelJsonPath, 'model.json')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(dirname(modelJsonPath), manifest));
    },
  };
}

async function readWeights(folder: string, manifest: tf.io.WeightsManifestConfig): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const bytes = await readBinaryFile(join(folder, path));
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  return [specs, tf.io.concatenateArrayBuffers(buffers)];
}

async function readTextFile(path: string, what: string): Promise<string> {
  return (await readBinaryFile(path, what)).toString('utf8');
}

async function readBinaryFile(path: string, what = basename(path)): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `The bundle has no ${what} (looked for ${path}).` : `Cannot read ${path}: ${(error as Error).message}`,
    );
  }
}

/** Load the bundle's model (model.json in the folder). */
export async function loadBundleModel(bundleDir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystemModelLoader(join(bundleDir, 'model.json')));
}

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
