/** Opening a bundle folder: its metadata (validated, with clear reasons) and its model. */
import { readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
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
import { fileSystemLoader, MAX_METADATA_BYTES, readBundleFile } from './fs-io.js';

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
        ? `${notBundle}: it has a ${BUNDLE_FILES.model} but no ${BUNDLE_FILES.metadata}, so the columns, scaler and windowing to use it with are unknown.`
        : `${notBundle}: it has no ${BUNDLE_FILES.metadata} (a bundle holds ${BUNDLE_FILES.metadata}, ${BUNDLE_FILES.model} and ${BUNDLE_FILES.weights}).`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse((await readBundleFile(folder, BUNDLE_FILES.metadata, MAX_METADATA_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`${notBundle}: its ${BUNDLE_FILES.metadata} is not valid JSON (${(error as Error).message}).`);
  }
  const header = raw as { format?: unknown; formatVersion?: unknown } | null;
  if (!header || typeof header !== 'object' || header.format !== BUNDLE_FORMAT) {
    throw new InvalidInputError(`${notBundle}: its ${BUNDLE_FILES.metadata} does not say format "${BUNDLE_FORMAT}".`);
  }
  if (typeof header.formatVersion === 'number' && header.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new InvalidInputError(
      `${folder} was written by a newer Forecast Workbench (bundle format ${header.formatVersion}); this version reads format ${BUNDLE_FORMAT_VERSION}. Update the app.`,
    );
  }
  const parsed = BundleMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'metadata'}: ${i.message}`);
    throw new InvalidInputError(`The bundle ${folder} has a damaged ${BUNDLE_FILES.metadata}: ${problems.join('; ')}.`, problems);
  }
  const metadata = parsed.data;
  const inconsistencies = metadataInconsistencies(metadata);
  if (inconsistencies.length > 0) {
    throw new InvalidInputError(`The bundle ${folder} has a damaged ${BUNDLE_FILES.metadata}: ${inconsistencies.slice(0, 5).join('; ')}.`, inconsistencies);
  }
  for (const file of [metadata.files.model, ...metadata.files.weights]) {
    if (!files.includes(file)) throw new InvalidInputError(`The bundle ${folder} is incomplete: ${file} is missing.`);
  }
  return { dir: folder, metadata, files };
}

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What the schema cannot see: the parts of metadata.json that must agree with each other for the bundle to
 * be used (scaler per feature, feature order, input shape, head size). Empty when it is consistent.
 */
function metadataInconsistencies(m: BundleMetadata): string[] {
  const problems: string[] = [];
  const { features, timeSteps, horizon, inputShape } = m.windowing;
  const expected = [m.dataset.column, ...m.dataset.inputColumns];
  if (!sameList(features, expected)) {
    problems.push(`windowing.features (${features.join(', ')}) is not the target column followed by the input columns (${expected.join(', ')})`);
  }
  if (!sameList(inputShape, [timeSteps, features.length])) {
    problems.push(`windowing.inputShape [${inputShape.join(', ')}] is not [timeSteps, features] = [${timeSteps}, ${features.length}]`);
  }
  if (m.config.prep.timeSteps !== timeSteps) problems.push(`config.prep.timeSteps ${m.config.prep.timeSteps} differs from windowing.timeSteps ${timeSteps}`);
  if (m.config.model.outputUnits !== horizon) problems.push(`config.model.outputUnits ${m.config.model.outputUnits} differs from windowing.horizon ${horizon}`);
  const { min, max } = m.scaler;
  if (min.length !== features.length || max.length !== features.length) {
    problems.push(`the scaler has ${min.length} minimum(s) and ${max.length} maximum(s) for ${features.length} feature(s)`);
  } else {
    features.forEach((name, f) => {
      if (!Number.isFinite(min[f]) || !Number.isFinite(max[f]) || min[f] > max[f]) {
        problems.push(`the scaler's range for "${name}" (${min[f]} to ${max[f]}) is not a finite range`);
      }
    });
  }
  if (!sameList(m.scaler.features, features)) problems.push(`scaler.features (${m.scaler.features.join(', ')}) differ from windowing.features`);
  for (const file of [m.files.model, ...m.files.weights]) {
    if (file !== basename(file) || file === '..' || file === '.') problems.push(`files names "${file}", which is not a file of the bundle folder`);
  }
  return problems;
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

/**
 * A bundle ready to use: its validated metadata and its model, checked to take the input shape and give the
 * outputs the metadata says. The one validation behind predicting and explaining (anatomy) a bundle.
 * The caller disposes the model.
 */
export async function loadBundle(dir: string): Promise<{ dir: string; metadata: BundleMetadata; model: tf.LayersModel }> {
  const { dir: folder, metadata } = await readBundleMetadata(dir);
  return { dir: folder, metadata, model: await loadCheckedModel(folder, metadata) };
}

/** The model of the bundle in `folder` (its metadata read already), checked against the metadata's windowing. */
export async function loadCheckedModel(folder: string, metadata: BundleMetadata): Promise<tf.LayersModel> {
  const model = await loadBundleModel(folder);
  const { timeSteps, features, horizon } = metadata.windowing;
  const input = model.inputs[0]?.shape ?? [];
  const output = model.outputs[0]?.shape ?? [];
  if (input.length !== 3 || input[1] !== timeSteps || input[2] !== features.length || output[output.length - 1] !== horizon) {
    model.dispose();
    throw new InvalidInputError(
      `The bundle ${folder} is inconsistent: its model takes [${input.slice(1).join(', ')}] and predicts ${output[output.length - 1]}, but ${BUNDLE_FILES.metadata} says [${timeSteps}, ${features.length}] and ${horizon}.`,
    );
  }
  return model;
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
