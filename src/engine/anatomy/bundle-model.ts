/**
 * Reading a trained bundle folder for the anatomy view. A folder with a metadata.json is checked by the
 * same validation as predicting with it (src/engine/bundle/read.ts `loadBundle`: metadata consistent, model
 * matching it, weights confined and finite), so anatomy never explains a bundle that predict refuses. A
 * folder with only model.json + weights (a TensorFlow.js model from elsewhere) is explained from the model.
 */
import { join } from 'node:path';
import { BUNDLE_FILES } from '../../contract/bundles.js';
import type { RunConfig } from '../../contract/run-config.js';
import type * as tf from '@tensorflow/tfjs';
import { loadBundle, loadBundleModel as loadModelOnly, readBundleMetadata } from '../bundle/read.js';
import { pathExists } from '../bundle/atomic.js';

const hasMetadata = (bundleDir: string) => pathExists(join(bundleDir, BUNDLE_FILES.metadata)).catch(() => false);

/** The bundle's model, validated against its metadata.json when it has one. */
export async function loadBundleModel(bundleDir: string): Promise<tf.LayersModel> {
  if (!(await hasMetadata(bundleDir))) return loadModelOnly(bundleDir);
  return (await loadBundle(bundleDir)).model;
}

/**
 * The run configuration stored in the bundle's metadata.json, or null when the folder has no
 * metadata.json (the model alone is enough to explain it). A damaged metadata.json is refused with the
 * reason, as predict refuses it.
 */
export async function readBundleRunConfig(bundleDir: string): Promise<RunConfig | null> {
  return (await readBundleFacts(bundleDir))?.config ?? null;
}

/** What the anatomy view needs of metadata.json: the run configuration and how the target was scaled. */
export interface BundleFacts {
  config: RunConfig;
  /** The MinMax scaler of the target (first feature) and its column, to show outputs in original units. */
  target: { column: string; min: number; max: number };
}

export async function readBundleFacts(bundleDir: string): Promise<BundleFacts | null> {
  if (!(await hasMetadata(bundleDir))) return null;
  const { metadata } = await readBundleMetadata(bundleDir);
  return { config: metadata.config, target: { column: metadata.dataset.column, min: metadata.scaler.min[0], max: metadata.scaler.max[0] } };
}
