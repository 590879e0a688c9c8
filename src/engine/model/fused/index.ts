/**
 * The fused recurrent kernel: forward pass, backpropagation through time and optimizers over typed arrays
 * for the models build.ts creates, reading and writing the tfjs model's weights (TensorFlow.js stays the
 * owner of the model). fused-trainer.ts trains with it; `predictWindowsFused` is its batched inference.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../../contract/run-config.js';
import type { Windows } from '../../data/windows.js';
import { FusedNetwork } from './kernel.js';
import { planNetwork, readWeights, weightArrays, type NetworkPlan } from './plan.js';

export { simdAvailable } from './gemm.js';
export { FusedNetwork } from './kernel.js';
export { makeFusedOptimizer } from './optimizers.js';
export { planNetwork, readWeights, type NetworkPlan } from './plan.js';

/** Windows per forward pass of the batched inference. */
export const INFERENCE_BATCH = 256;

/** Put a flat parameter vector into the tfjs model (setWeights), in getWeights() order. */
export function writeWeights(model: tf.LayersModel, plan: NetworkPlan, params: Float32Array | Float64Array): void {
  const tensors = weightArrays(plan, params).map((values, i) => tf.tensor(values, plan.shapes[i], 'float32'));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Predictions of `network` for every window, [samples · outputUnits] in scaled units. */
export function predictWithNetwork(network: FusedNetwork, windows: Windows): Float32Array {
  const H = network.plan.outputUnits;
  const out = new Float32Array(windows.samples * H);
  for (let start = 0; start < windows.samples; start += network.maxBatch) {
    const count = Math.min(network.maxBatch, windows.samples - start);
    const values = network.forward(windows.x, null, start, count, null);
    out.set(values.subarray(0, count * H), start * H);
  }
  return out;
}

/**
 * Batched fused inference with the model's current weights: [samples · outputUnits] values in scaled units,
 * the same as tfjs `model.predict` on the windows. Networks are kept per window shape.
 */
export function predictWindowsFused(model: tf.LayersModel, spec: ModelSpec): (windows: Windows) => Float32Array {
  const networks = new Map<string, FusedNetwork>();
  const weights = readWeights(model, planNetwork(spec, 1, inputFeatures(model)));
  return (windows) => {
    if (windows.samples === 0) return new Float32Array(0);
    const key = `${windows.timeSteps}x${windows.features}`;
    let network = networks.get(key);
    if (!network) {
      network = new FusedNetwork(planNetwork(spec, windows.timeSteps, windows.features), Math.min(INFERENCE_BATCH, windows.samples), false);
      network.params.set(weights);
      networks.set(key, network);
    }
    if (network.maxBatch < Math.min(INFERENCE_BATCH, windows.samples)) {
      const bigger = new FusedNetwork(network.plan, Math.min(INFERENCE_BATCH, windows.samples), false);
      bigger.params.set(weights);
      networks.set(key, bigger);
      network = bigger;
    }
    return predictWithNetwork(network, windows);
  };
}

/** Features per time step of the model's input ([null, timeSteps, features]). */
function inputFeatures(model: tf.LayersModel): number {
  const shape = model.inputs[0].shape;
  return shape[shape.length - 1] as number;
}
