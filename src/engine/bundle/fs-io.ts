/**
 * A node:fs IOHandler for TensorFlow.js layers models. Plain @tensorflow/tfjs has no file:// handler in
 * Node (that ships with @tensorflow/tfjs-node), so this writes and reads exactly what tfjs-node's file://
 * handler and the browser's http loader produce and accept: model.json holding `modelTopology`, `format`,
 * `generatedBy`, `convertedBy`, `weightsManifest` (one group, paths ['weights.bin']) and, when present,
 * `trainingConfig`, `signature` and `userDefinedMetadata`; and weights.bin holding the weights as one
 * little-endian binary blob in manifest order.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../contract/run-config.js';
import { BUNDLE_FILES } from '../../contract/bundles.js';

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

/** Load handler: reads model.json and the weight files its manifest names from a folder. */
export function fileSystemLoader(folder: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJsonPath = join(folder, BUNDLE_FILES.model);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse((await readBundleFile(modelJsonPath, BUNDLE_FILES.model)).toString('utf8')) as tf.io.ModelJSON;
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        throw new InvalidInputError(`${modelJsonPath} is not valid JSON: ${(error as Error).message}.`);
      }
      if (modelJson == null || typeof modelJson !== 'object' || modelJson.modelTopology == null) {
        throw new InvalidInputError(`${modelJsonPath} is not a TensorFlow.js layers model: it has no modelTopology.`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const bytes = await readBundleFile(join(folder, path), path);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

async function readBundleFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `The bundle has no ${what} (looked for ${path}).` : `Cannot read ${path}: ${(error as Error).message}.`,
    );
  }
}
