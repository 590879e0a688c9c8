/**
 * A node:fs IOHandler for TensorFlow.js layers models. Plain @tensorflow/tfjs has no file:// handler in
 * Node (that ships with @tensorflow/tfjs-node), so this writes and reads exactly what tfjs-node's file://
 * handler and the browser's http loader produce and accept: model.json holding `modelTopology`, `format`,
 * `generatedBy`, `convertedBy`, `weightsManifest` (one group, paths ['weights.bin']) and, when present,
 * `trainingConfig`, `signature` and `userDefinedMetadata`; and weights.bin holding the weights as one
 * little-endian binary blob in manifest order.
 *
 * Reading trusts nothing in model.json: every path it names must resolve (after following links) to a
 * regular file inside the bundle folder, the manifest may name at most MAX_WEIGHT_PATHS files and
 * MAX_WEIGHT_BYTES of weights, each group's files must hold exactly the bytes its shapes and dtypes imply
 * (checked before reading), and float32 weights must be finite.
 */
import { realpath, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../contract/run-config.js';
import { BUNDLE_FILES } from '../../contract/bundles.js';
import { openRegularFile, readWhole } from '../data/regular-file.js';

/** Save handler: writes model.json and weights.bin into an existing folder. */
export function fileSystemSaver(folder: string, afterWeights?: () => void | Promise<void>): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('Saving a graph model in binary form is not supported; expected a layers model.');
      }
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const weightsManifest: tf.io.WeightsManifestConfig = [
        { paths: [BUNDLE_FILES.weights], weights: artifacts.weightSpecs ?? [] },
      ];
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest,
      };
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature != null) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;

      await writeFile(join(folder, BUNDLE_FILES.weights), new Uint8Array(weightData));
      await afterWeights?.();
      const json = JSON.stringify(modelJson);
      await writeFile(join(folder, BUNDLE_FILES.model), json);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(modelJson.modelTopology).length,
          weightSpecsBytes: JSON.stringify(weightsManifest[0].weights).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },
  };
}

/** Load handler: reads model.json and the weight files its manifest names, all confined to `folder`. */
export function fileSystemLoader(folder: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const root = await realFolder(folder);
      const modelJsonPath = join(folder, BUNDLE_FILES.model);
      const modelJsonFile = await confinedPath(root, BUNDLE_FILES.model, modelJsonPath, 'model file');
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse((await readConfinedFile(modelJsonFile, BUNDLE_FILES.model, { maxBytes: MAX_MODEL_JSON_BYTES })).toString('utf8')) as tf.io.ModelJSON;
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        throw new InvalidInputError(`${modelJsonPath} is not valid JSON: ${(error as Error).message}.`);
      }
      if (modelJson == null || typeof modelJson !== 'object' || modelJson.modelTopology == null) {
        throw new InvalidInputError(`${modelJsonPath} is not a TensorFlow.js layers model: it has no modelTopology.`);
      }
      if (modelJson.weightsManifest == null) {
        throw new InvalidInputError(`${modelJsonPath} has no weights manifest, so the model's weights are unknown.`);
      }
      const groups = checkWeightsManifest(modelJson.weightsManifest, modelJsonPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async () => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of groups) {
          specs.push(...group.weights);
          let groupBytes = 0;
          const files: string[] = [];
          for (const path of group.paths) files.push(await confinedPath(root, path, modelJsonPath, 'weight file'));
          for (const [i, file] of files.entries()) {
            const bytes = await readConfinedFile(file, group.paths[i], { maxBytes: group.bytes - groupBytes });
            groupBytes += bytes.byteLength;
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          if (groupBytes !== group.bytes) {
            throw new InvalidInputError(
              `The bundle's weights are damaged: ${group.paths.join(', ')} hold ${groupBytes} bytes, but the shapes in model.json need ${group.bytes}.`,
            );
          }
        }
        const data = tf.io.concatenateArrayBuffers(buffers);
        assertFiniteWeights(specs, data);
        return [specs, data];
      });
    },
  };
}

/** Most weight files a manifest may name (a tfjs-node export shards at 4 MB; our bundles have one). */
export const MAX_WEIGHT_PATHS = 1024;
/** Most bytes of weights a bundle may hold (the recurrent models here are far smaller). */
const MAX_WEIGHT_BYTES = 512 * 1024 * 1024;
/** Most bytes of a model.json (topology and manifest). */
const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** Bytes per value of each dtype a weights file may hold (tfjs's DTYPE_VALUE_SIZE_MAP, plus the quantized ones). */
const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

interface CheckedGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
  bytes: number;
}

/**
 * The weights manifest of a model.json, checked before any weight file is touched: at most
 * MAX_WEIGHT_PATHS paths, every weight with a known dtype and a shape of whole numbers, and the bytes
 * those shapes imply within MAX_WEIGHT_BYTES. Returns each group with the bytes it must hold.
 */
function checkWeightsManifest(manifest: unknown, where: string): CheckedGroup[] {
  const damaged = (why: string) => new InvalidInputError(`${where} has a damaged weights manifest: ${why}.`);
  if (!Array.isArray(manifest)) throw damaged('weightsManifest is not a list');
  let pathCount = 0;
  for (const group of manifest) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(paths)) throw damaged('a group has no list of paths');
    pathCount += paths.length;
    if (pathCount > MAX_WEIGHT_PATHS) throw damaged(`it names more than ${MAX_WEIGHT_PATHS} weight files`);
  }
  let total = 0;
  return manifest.map((group: { paths: unknown[]; weights?: unknown }) => {
    if (group.paths.some((p) => typeof p !== 'string' || p === '')) throw damaged('a weight path is not a file name');
    if (!Array.isArray(group.weights)) throw damaged('a group has no list of weights');
    let bytes = 0;
    for (const weight of group.weights as unknown[]) {
      const w = weight as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } } | null;
      const name = typeof w?.name === 'string' ? w.name : '?';
      if (!w || typeof w.name !== 'string') throw damaged('a weight has no name');
      const dtype = w.quantization?.dtype ?? w.dtype;
      const size = typeof dtype === 'string' ? BYTES_PER_VALUE[dtype] : undefined;
      if (size === undefined) throw damaged(`weight "${name}" has the unsupported dtype ${JSON.stringify(dtype)}`);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw damaged(`weight "${name}" has no valid shape`);
      }
      const values = (w.shape as number[]).reduce((product, d) => product * d, 1);
      bytes += values * size;
      if (!(total + bytes <= MAX_WEIGHT_BYTES)) throw damaged(`its weights would take more than ${MAX_WEIGHT_BYTES / 1024 / 1024} MB`);
    }
    total += bytes;
    return { paths: group.paths as string[], weights: group.weights as tf.io.WeightsManifestEntry[], bytes };
  });
}

/**
 * The real path of `relativePath` inside `root` (itself a real path), following symlinks; refuses
 * absolute paths and anything that lands outside the folder. `where` is the file that names the path.
 */
async function confinedPath(root: string, relativePath: string, where: string, what: string): Promise<string> {
  const outside = () =>
    new InvalidInputError(`${where}: the ${what} "${relativePath}" is not inside the bundle folder (after following links); a bundle reads only its own files.`);
  if (isAbsolute(relativePath) || relativePath.includes('\0')) throw outside();
  const joined = join(root, relativePath);
  let real: string;
  try {
    real = await realpath(joined);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(`The bundle has no ${relativePath} (looked for ${joined}).`);
    throw new InvalidInputError(`Cannot read ${joined}: ${(error as Error).message}.`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw outside();
  return real;
}

async function realFolder(folder: string): Promise<string> {
  try {
    return await realpath(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(`The bundle has no ${BUNDLE_FILES.model} (looked for ${join(folder, BUNDLE_FILES.model)}).`);
    throw new InvalidInputError(`Cannot open ${folder}: ${(error as Error).message}.`);
  }
}

/** Read a regular file whose real path was confined; refuses one larger than `maxBytes` before reading it. */
async function readConfinedFile(path: string, what: string, { maxBytes }: { maxBytes: number }): Promise<Buffer> {
  const file = await openRegularFile(path, what, (error) => {
    const code = (error as NodeJS.ErrnoException).code;
    return new InvalidInputError(code === 'ENOENT' ? `The bundle has no ${what} (looked for ${path}).` : `Cannot read ${path}: ${(error as Error).message}.`);
  });
  try {
    if (file.size > maxBytes) {
      throw new InvalidInputError(`The bundle's ${what} is larger (${file.size} bytes) than model.json's shapes allow (${Math.max(0, maxBytes)} bytes); the bundle is damaged.`);
    }
    return await readWhole(file);
  } finally {
    await file.handle.close();
  }
}

/** Most bytes of a bundle's metadata.json (it holds the loss history and the forecast, not the predictions). */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024;

/**
 * The bytes of the bundle file `name` in `folder`: a regular file inside the folder (after links), at most
 * `maxBytes` long; an InvalidInputError says why not.
 */
export async function readBundleFile(folder: string, name: string, maxBytes: number): Promise<Buffer> {
  const root = await realFolder(folder);
  const path = await confinedPath(root, name, `The bundle ${folder}`, 'file');
  const file = await openRegularFile(path, name, (error) => new InvalidInputError(`Cannot read ${join(folder, name)}: ${(error as Error).message}.`));
  try {
    if (file.size > maxBytes) throw new InvalidInputError(`The bundle's ${name} is ${file.size} bytes long; at most ${maxBytes} are read.`);
    return await readWhole(file);
  } finally {
    await file.handle.close();
  }
}

/** Refuses float32 weights that hold NaN or infinity: such a model predicts nothing usable. */
function assertFiniteWeights(specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((product, d) => product * d, 1);
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = count * BYTES_PER_VALUE[dtype];
    if (dtype === 'float32') {
      const values = new Float32Array(data, offset, count);
      let bad = 0;
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
      if (bad > 0) {
        throw new InvalidInputError(`The bundle's weights are damaged: "${spec.name}" holds ${bad} value(s) that are not finite numbers (NaN or infinity).`);
      }
    }
    offset += bytes;
  }
}
