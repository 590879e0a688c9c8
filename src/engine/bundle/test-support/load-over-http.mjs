// Test helper, run as a SEPARATE Node process: load a model the way a browser does, with TensorFlow.js's
// own loader (tf.loadLayersModel over http), and predict the given windows.
// Usage: node load-over-http.mjs MODEL_URL INPUT.json OUTPUT.json
//   INPUT.json: { "x": number[], "shape": [samples, timeSteps, features] }
//   OUTPUT.json: { "predictions": number[], "inputShape": (number|null)[], "outputShape": (number|null)[] }
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const [url, inputPath, outputPath] = process.argv.slice(2);
const { x, shape } = JSON.parse(readFileSync(inputPath, 'utf8'));
const model = await tf.loadLayersModel(url);
const out = model.predict(tf.tensor3d(Float32Array.from(x), shape));
writeFileSync(
  outputPath,
  JSON.stringify({
    predictions: Array.from(out.dataSync()),
    inputShape: model.inputs[0].shape,
    outputShape: model.outputs[0].shape,
    backend: tf.getBackend(),
  }),
);
