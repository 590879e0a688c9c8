/**
 * Read a tfjs LayersModel into plain float64 arrays: its recurrent layers (SimpleRNN, LSTM, GRU; stacked
 * layers are chained) and the Dense head after them. Dropout layers are skipped: they do nothing at
 * prediction time. Any other architecture gets one clear InvalidInputError.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AnatomyCell } from '../../contract/anatomy.js';
import { cellTypeOfClass } from '../../contract/cell-types.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { toRows, zeros, type Matrix, type Vector } from './vector-math.js';

export interface RecurrentLayerWeights {
  name: string;
  cell: AnatomyCell;
  units: number;
  /** Size of each x_t this layer reads: the features, or the previous layer's units. */
  inputSize: number;
  activation: string;
  /** Gate activation of LSTM/GRU; null for SimpleRNN. */
  recurrentActivation: string | null;
  /** [inputSize, gates·units] */
  kernel: Matrix;
  /** [units, gates·units] */
  recurrentKernel: Matrix;
  /** [gates·units]; zeros when the layer has no bias. */
  bias: Vector;
  variableNames: { kernel: string; recurrentKernel: string; bias: string | null };
}

export interface DenseLayerWeights {
  name: string;
  units: number;
  inputSize: number;
  activation: string;
  /** [inputSize, units] */
  kernel: Matrix;
  /** [units]; zeros when the layer has no bias. */
  bias: Vector;
  variableNames: { kernel: string; bias: string | null };
}

export interface ExtractedNetwork {
  timeSteps: number;
  features: number;
  recurrent: RecurrentLayerWeights[];
  dense: DenseLayerWeights[];
  /** model.countParams() */
  modelParameterCount: number;
}

const IGNORED_AT_PREDICTION = new Set(['Dropout', 'InputLayer']);

type Config = Record<string, unknown>;

export function extractNetwork(model: tf.LayersModel): ExtractedNetwork {
  const [, timeSteps, features] = inputShapeOf(model);
  const recurrent: RecurrentLayerWeights[] = [];
  const dense: DenseLayerWeights[] = [];
  let inputSize = features;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (IGNORED_AT_PREDICTION.has(className)) continue;
    const config = layer.getConfig() as Config;
    const cell = cellTypeOfClass(className);
    if (cell) {
      if (dense.length > 0) throw unsupported(`a ${className} layer after a Dense layer`);
      checkRecurrentConfig(className, config);
      recurrent.push(readRecurrentLayer(layer, cell, inputSize, config));
      inputSize = recurrent[recurrent.length - 1].units;
    } else if (className === 'Dense') {
      if (recurrent.length === 0) throw unsupported('a Dense layer before any recurrent layer');
      dense.push(readDenseLayer(layer, inputSize, config));
      inputSize = dense[dense.length - 1].units;
    } else {
      throw unsupported(`a ${className} layer`);
    }
  }
  if (recurrent.length === 0) throw unsupported('no SimpleRNN, LSTM or GRU layer');
  if (dense.length === 0) throw unsupported('no Dense output layer');
  checkSequenceFlags(model);
  return { timeSteps, features, recurrent, dense, modelParameterCount: model.countParams() };
}

function unsupported(what: string): InvalidInputError {
  return new InvalidInputError(
    `The anatomy view explains models made of SimpleRNN, LSTM or GRU layers followed by Dense layers; this model has ${what}.`,
  );
}

function inputShapeOf(model: tf.LayersModel): [null, number, number] {
  const shape = model.inputs[0]?.shape ?? [];
  const [, timeSteps, features] = shape;
  if (shape.length !== 3 || typeof timeSteps !== 'number' || typeof features !== 'number') {
    throw new InvalidInputError(
      `The anatomy view needs a model whose input is [batch, time steps, features] with both sizes fixed; this one's is [${shape.join(', ')}].`,
    );
  }
  return [null, timeSteps, features];
}

function checkRecurrentConfig(className: string, config: Config): void {
  if (config.goBackwards) throw unsupported(`a ${className} layer that reads the sequence backwards`);
  if (config.stateful) throw unsupported(`a stateful ${className} layer`);
  if (config.resetAfter) throw unsupported(`a GRU layer with reset_after`);
}

/** All recurrent layers but the last must return sequences; the last must return only h_T. */
function checkSequenceFlags(model: tf.LayersModel): void {
  const flags = model.layers
    .filter((layer) => cellTypeOfClass(layer.getClassName()) !== null)
    .map((layer) => Boolean((layer.getConfig() as Config).returnSequences));
  const last = flags.length - 1;
  flags.forEach((returnsSequences, i) => {
    if (i < last && !returnsSequences) throw unsupported(`recurrent layer ${i + 1} returning only its last state to another recurrent layer`);
    if (i === last && returnsSequences) throw unsupported('a last recurrent layer that returns the whole sequence');
  });
}

/** The layer's variables by role, read as plain numbers. */
function readVariables(layer: tf.layers.Layer): Map<string, { name: string; shape: number[]; values: Float32Array }> {
  const tensors = layer.getWeights();
  const found = new Map<string, { name: string; shape: number[]; values: Float32Array }>();
  layer.weights.forEach((variable, i) => {
    // tfjs appends _1, _2, … when a variable name is already taken (e.g. a loaded copy of a live model).
    const role = (variable.name.split('/').pop() ?? variable.name).replace(/_\d+$/, '');
    found.set(role, { name: variable.name, shape: variable.shape.map(Number), values: tensors[i].dataSync() as Float32Array });
  });
  return found;
}

function readRecurrentLayer(layer: tf.layers.Layer, cell: AnatomyCell, inputSize: number, config: Config): RecurrentLayerWeights {
  const variables = readVariables(layer);
  const kernel = variables.get('kernel');
  const recurrentKernel = variables.get('recurrent_kernel');
  const bias = variables.get('bias');
  if (!kernel || !recurrentKernel) throw unsupported(`a ${layer.getClassName()} layer without its kernels`);
  const units = Number(config.units);
  return {
    name: layer.name,
    cell,
    units,
    inputSize,
    activation: String(config.activation ?? 'linear'),
    recurrentActivation: cell === 'simpleRNN' ? null : String(config.recurrentActivation ?? 'hardSigmoid'),
    kernel: toRows(kernel.values, kernel.shape[0]),
    recurrentKernel: toRows(recurrentKernel.values, recurrentKernel.shape[0]),
    bias: bias ? Array.from(bias.values) : zeros(kernel.shape[1]),
    variableNames: { kernel: kernel.name, recurrentKernel: recurrentKernel.name, bias: bias?.name ?? null },
  };
}

function readDenseLayer(layer: tf.layers.Layer, inputSize: number, config: Config): DenseLayerWeights {
  const variables = readVariables(layer);
  const kernel = variables.get('kernel');
  const bias = variables.get('bias');
  if (!kernel) throw unsupported('a Dense layer without its kernel');
  if (kernel.shape[0] !== inputSize) throw unsupported(`a Dense layer reading ${kernel.shape[0]} values where ${inputSize} arrive`);
  return {
    name: layer.name,
    units: kernel.shape[1],
    inputSize,
    activation: String(config.activation ?? 'linear'),
    kernel: toRows(kernel.values, kernel.shape[0]),
    bias: bias ? Array.from(bias.values) : zeros(kernel.shape[1]),
    variableNames: { kernel: kernel.name, bias: bias?.name ?? null },
  };
}
