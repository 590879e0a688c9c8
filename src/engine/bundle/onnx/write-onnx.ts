/**
 * The ONNX files of a bundle: model.onnx (export.ts) and preprocessing.json beside it — the scaler and
 * windowing a program needs to feed model.onnx and read its output, without the rest of metadata.json.
 * A model ONNX cannot express exactly gets no model.onnx; the bundle's warnings say why.
 */
import { BUNDLE_FILES, type BundleMetadata } from '../../../contract/bundles.js';
import { ONNX_INPUT_NAME, ONNX_OPSET, ONNX_OUTPUT_NAME, OnnxExportUnsupported, modelToOnnx } from './export.js';
import type * as tf from '@tensorflow/tfjs';

/** What preprocessing.json holds (all values copied from the bundle's metadata.json). */
export interface OnnxPreprocessing {
  format: 'forecast-workbench-onnx-preprocessing';
  formatVersion: 1;
  model: string;
  opset: number;
  input: { name: string; shape: [null, number, number]; dtype: 'float32'; layout: string };
  output: { name: string; shape: [null, number]; dtype: 'float32'; layout: string };
  features: string[];
  scaler: { min: number[]; max: number[]; formula: string; inverse: string };
  windowing: BundleMetadata['windowing'];
  missingPolicy: BundleMetadata['missingPolicy'];
  /** Resampling applied to the file's rows before windowing (null = none). */
  resample: BundleMetadata['config']['data']['resample'];
  /** Categories of each categorical input column: its one-hot features ("column=category") are 1 for the row's category, else 0. */
  categories: BundleMetadata['dataset']['categories'];
  targetTransform: (NonNullable<BundleMetadata['targetTransform']> & { formula: string }) | null;
}

export function onnxPreprocessing(metadata: BundleMetadata): OnnxPreprocessing {
  const w = metadata.windowing;
  return {
    format: 'forecast-workbench-onnx-preprocessing',
    formatVersion: 1,
    model: BUNDLE_FILES.onnx,
    opset: ONNX_OPSET,
    input: {
      name: ONNX_INPUT_NAME,
      shape: [null, w.timeSteps, w.features.length],
      dtype: 'float32',
      layout: 'batch, time steps (oldest first), features (in "features" order, target first); MinMax-scaled',
    },
    output: { name: ONNX_OUTPUT_NAME, shape: [null, w.horizon], dtype: 'float32', layout: 'batch, steps ahead (1 = next value); scaled like the target' },
    features: w.features,
    scaler: {
      min: metadata.scaler.min,
      max: metadata.scaler.max,
      formula: 'scaled = (x - min) / (max - min), or x - min where max = min',
      inverse: 'x = scaled * (max - min) + min, with the target\'s min and max (feature 0); max = min: scaled + min',
    },
    windowing: w,
    missingPolicy: metadata.missingPolicy,
    resample: metadata.config.data.resample,
    categories: metadata.dataset.categories,
    // The target's transforms before scaling (null = none): the scaler's target min/max are then of the transformed values.
    targetTransform: metadata.targetTransform
      ? {
          ...metadata.targetTransform,
          formula:
            'in order: box-cox z = (y^lambda - 1) / lambda (log y at lambda 0); difference d_t = z_t - z_(t-lag). ' +
            'Invert in reverse order: add back the values lag rows earlier (actual ones up to the window\'s end), then y = (lambda z + 1)^(1/lambda) (exp z at lambda 0)',
        }
      : null,
  };
}

/**
 * Write model.onnx and preprocessing.json with `put` (the bundle writer's file writer). A model that ONNX
 * cannot express exactly is skipped with a sentence added to `metadata.warnings` (so metadata.json,
 * written after this, records it); any other failure propagates.
 */
export async function writeOnnxFiles(
  model: tf.LayersModel,
  metadata: BundleMetadata,
  put: (name: string, content: string | Uint8Array) => Promise<void>,
): Promise<void> {
  let onnx: Uint8Array;
  try {
    onnx = modelToOnnx(model, metadata.app.version);
  } catch (error) {
    if (!(error instanceof OnnxExportUnsupported)) throw error;
    metadata.warnings.push(`No ${BUNDLE_FILES.onnx} was written: ${error.message}. Use model.json (TensorFlow.js) instead.`);
    return;
  }
  await put(BUNDLE_FILES.onnx, onnx);
  await put(BUNDLE_FILES.onnxPreprocessing, JSON.stringify(onnxPreprocessing(metadata), null, 2) + '\n');
}
