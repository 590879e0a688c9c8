/** Opening a bundle folder: its metadata (validated, with clear reasons) and its model. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BundleMetadataSchema,
  type BundleMetadata,
  type BundleSummary,
} from '../../contract/bundles.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { fileSystemLoader } from './fs-io.js';

/** Read and validate a bundle's metadata.json; the error says why a folder is not a (usable) bundle. */
export async function readBundleMetadata(dir: string): Promise<{ dir: string; metadata: BundleMetadata; files: string[] }> {
  const folder = resolve(dir);
  let info;
  try {
    info = await stat(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(code === 'ENOENT' ? `${folder} does not exist.` : `Cannot open ${folder}: ${(error as Error).message}.`);
  }
  if (!info.isDirectory()) throw new InvalidInputError(`${folder} is a file, not a bundle folder.`);
  const files = (await readdir(folder)).sort();
  const notBundle = `${folder} is not a Forecast Workbench bundle`;
  if (!files.includes(BUNDLE_FILES.metadata)) {
    throw new InvalidInputError(
      files.includes(BUNDLE_FILES.model)
        ? `${notBundle}: it has a model.json but no metadata.json, so the columns, scaler and windowing to use it with are unknown.`
        : `${notBundle}: it has no metadata.json (a bundle holds metadata.json, model.json and weights.bin).`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(folder, BUNDLE_FILES.metadata), 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${notBundle}: its metadata.json is not valid JSON (${(error as Error).message}).`);
  }
  const header = raw as { format?: unknown; formatVersion?: unknown } | null;
  if (!header || typeof header !== 'object' || header.format !== BUNDLE_FORMAT) {
    throw new InvalidInputError(`${notBundle}: its metadata.json does not say format "${BUNDLE_FORMAT}".`);
  }
  if (typeof header.formatVersion === 'number' && header.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new InvalidInputError(
      `${folder} was written by a newer Forecast Workbench (bundle format ${header.formatVersion}); this version reads format ${BUNDLE_FORMAT_VERSION}. Update the app.`,
    );
  }
  const parsed = BundleMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'metadata'}: ${i.message}`);
    throw new InvalidInputError(`The bundle ${folder} has a damaged metadata.json: ${problems.join('; ')}.`, problems);
  }
  const metadata = parsed.data;
  for (const file of [metadata.files.model, ...metadata.files.weights]) {
    if (!files.includes(file)) throw new InvalidInputError(`The bundle ${folder} is incomplete: ${file} is missing.`);
  }
  return { dir: folder, metadata, files };
}

/** What the UI shows for a bundle folder. */
export async function readBundle(dir: string): Promise<BundleSummary> {
  const { dir: folder, metadata: m, files } = await readBundleMetadata(dir);
  return {
    dir: folder,
    name: basename(folder),
    createdAt: m.createdAt,
    formatVersion: m.formatVersion,
    runId: m.runId,
    backend: m.backend,
    versions: m.versions,
    dataset: m.dataset,
    config: m.config,
    seed: m.seed,
    samples: m.samples,
    windowing: m.windowing,
    parameterCount: m.parameterCount,
    stopReason: m.stopReason,
    bestEpoch: m.bestEpoch,
    epochs: m.history.length,
    trainSeconds: m.trainSeconds,
    metrics: m.metrics,
    baselines: m.baselines,
    forecast: m.forecast,
    files,
    warnings: m.warnings,
  };
}

/** Load the TensorFlow.js layers model of a folder holding model.json + its weight files. */
export async function loadBundleModel(dir: string): Promise<tf.LayersModel> {
  const folder = resolve(dir);
  try {
    return await tf.loadLayersModel(fileSystemLoader(folder));
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`Cannot load the model in ${folder}: ${(error as Error).message}`);
  }
}
