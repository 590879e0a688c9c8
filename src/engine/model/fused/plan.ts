/**
 * The layout of a network for the fused kernel, derived from the ModelSpec the way build.ts builds the tfjs
 * model: each recurrent layer's kernel [inputSize, gates·units], recurrent kernel [units, gates·units] and
 * bias [gates·units], then the Dense head's kernel [units, outputUnits] and bias [outputUnits], in
 * `model.getWeights()` order, packed into one flat parameter vector.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation, ModelSpec, RecurrentLayerType } from '../../../contract/run-config.js';

/** Activation codes of the kernel: every activation of the form, plus tfjs's gate activation. */
export const ACTIVATION_CODE = { linear: 0, tanh: 1, relu: 2, sigmoid: 3, hardSigmoid: 4 } as const;
export type ActivationCode = (typeof ACTIVATION_CODE)[keyof typeof ACTIVATION_CODE];

/** Gate blocks per cell, in tfjs's column order (LSTM i, f, c, o; GRU z, r, h). */
export const GATES: Record<RecurrentLayerType, number> = { simpleRNN: 1, lstm: 4, gru: 3 };

export interface RecurrentPlan {
  cell: RecurrentLayerType;
  units: number;
  inputSize: number;
  gates: number;
  activation: ActivationCode;
  dropout: number;
  kernelOffset: number;
  recurrentOffset: number;
  biasOffset: number;
}

export interface NetworkPlan {
  timeSteps: number;
  features: number;
  layers: RecurrentPlan[];
  outputUnits: number;
  outputActivation: ActivationCode;
  denseKernelOffset: number;
  denseBiasOffset: number;
  parameterCount: number;
  /** Shapes of the weight tensors in getWeights() order. */
  shapes: number[][];
}

function activationCode(name: Activation): ActivationCode {
  return ACTIVATION_CODE[name];
}

export function planNetwork(spec: ModelSpec, timeSteps: number, features: number): NetworkPlan {
  let offset = 0;
  const shapes: number[][] = [];
  let inputSize = features;
  const layers = spec.layers.map((layer): RecurrentPlan => {
    const gates = GATES[layer.type];
    const width = gates * layer.units;
    const plan: RecurrentPlan = {
      cell: layer.type,
      units: layer.units,
      inputSize,
      gates,
      activation: activationCode(layer.activation),
      dropout: layer.dropout,
      kernelOffset: offset,
      recurrentOffset: offset + inputSize * width,
      biasOffset: offset + inputSize * width + layer.units * width,
    };
    shapes.push([inputSize, width], [layer.units, width], [width]);
    offset = plan.biasOffset + width;
    inputSize = layer.units;
    return plan;
  });
  const denseKernelOffset = offset;
  const denseBiasOffset = offset + inputSize * spec.outputUnits;
  shapes.push([inputSize, spec.outputUnits], [spec.outputUnits]);
  return {
    timeSteps,
    features,
    layers,
    outputUnits: spec.outputUnits,
    outputActivation: activationCode(spec.outputActivation),
    denseKernelOffset,
    denseBiasOffset,
    parameterCount: denseBiasOffset + spec.outputUnits,
    shapes,
  };
}

/** The tfjs model's weights as one flat float64 vector; throws if the model does not have the plan's shapes. */
export function readWeights(model: tf.LayersModel, plan: NetworkPlan): Float64Array {
  const weights = model.getWeights();
  const shapesMatch =
    weights.length === plan.shapes.length && weights.every((w, i) => w.shape.length === plan.shapes[i].length && w.shape.every((d, k) => d === plan.shapes[i][k]));
  if (!shapesMatch) {
    throw new Error(
      `The fused kernel expected weights shaped ${JSON.stringify(plan.shapes)} but the model has ${JSON.stringify(weights.map((w) => w.shape))}.`,
    );
  }
  const params = new Float64Array(plan.parameterCount);
  let offset = 0;
  for (const w of weights) {
    const values = w.dataSync();
    params.set(values, offset);
    offset += values.length;
  }
  return params;
}

/** Float32 copies of the flat vector's pieces, in getWeights() order and shapes (for setWeights). */
export function weightArrays(plan: NetworkPlan, params: Float32Array | Float64Array): Float32Array[] {
  let offset = 0;
  return plan.shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const piece = new Float32Array(params.subarray(offset, offset + size));
    offset += size;
    return piece;
  });
}
