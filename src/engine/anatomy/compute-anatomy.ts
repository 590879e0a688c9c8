/**
 * The anatomy report: how a recurrent network turns one input sequence into its output, computed by hand
 * (plain float64, no tfjs ops) and compared with the model's own model.predict.
 */
import * as tf from '@tensorflow/tfjs';
import {
  AnatomyRequestSchema,
  type AnatomyBackprop,
  type AnatomyDenseLayer,
  type AnatomyRecurrentLayer,
  type AnatomyReport,
  type AnatomyRequestInput,
  type AnatomyWeight,
} from '../../contract/anatomy.js';
import { cellName, gateCount } from '../../contract/cell-types.js';
import { InvalidInputError, parseWith } from '../../contract/run-config.js';
import { initBackend } from '../model/backend.js';
import { activationByName } from './activations.js';
import { loadBundleModel, readBundleFacts } from './bundle-model.js';
import { backpropThroughTime, backpropUnsupportedReason } from './backprop.js';
import { buildDemoModel } from './demo-model.js';
import { findDataWindow } from './data-window.js';
import { extractNetwork, type DenseLayerWeights, type ExtractedNetwork, type RecurrentLayerWeights } from './extract-network.js';
import { cellEquations, GATE_BLOCKS, runRecurrentLayer } from './recurrent-cells.js';
import { add, apply, toRows, vectorTimesMatrix, type Vector } from './vector-math.js';

/** Where a model and its input came from, for the report. */
export interface ExplainContext {
  source: 'demo' | 'bundle';
  bundleDir: string | null;
  seed: number | null;
  inputSource: string;
  notes: string[];
  /** What the window should predict, for the backprop view; null = no backprop shown. */
  target?: readonly number[] | null;
  /** Learning rate of the Adam step the backprop view shows. */
  learningRate?: number;
  /** A trained bundle's target scaler, to show the output in original units as well. */
  targetScale?: { column: string; min: number; max: number } | null;
}

const DEFAULT_CONTEXT: ExplainContext = { source: 'demo', bundleDir: null, seed: null, inputSource: 'Input given by the caller.', notes: [] };

/** Build or load the requested model, explain it on the requested (or a default) input, and dispose it. */
export async function computeAnatomy(requestInput: AnatomyRequestInput): Promise<AnatomyReport> {
  const request = parseWith(AnatomyRequestSchema, requestInput, 'anatomy request');
  await initBackend();
  if (request.source === 'bundle') return explainBundle(request.bundleDir, request.input, request.target, request.learningRate);

  const seed = request.seed ?? Math.floor(Math.random() * 1_000_000);
  const model = buildDemoModel({
    cell: request.cell,
    units: request.units,
    timeSteps: request.timeSteps,
    features: request.features,
    activation: request.activation,
    outputActivation: request.outputActivation ?? request.activation,
    seed,
  });
  try {
    const count = request.timeSteps * request.features;
    const typed = request.input !== null;
    return explainModel(model, request.input ?? countingInput(count), {
      source: 'demo',
      bundleDir: null,
      seed,
      inputSource: typed ? 'Input typed by the analyst.' : `Default input ${count <= 6 ? countingInput(count).join(', ') : `1, 2, …, ${count}`} (as in the tutorial's demo).`,
      notes: [`A freshly built, untrained model: weights drawn with seed ${seed}, biases start at 0 as in Keras.`],
      // The demo's counting input 1, 2, …, n "should" continue with n + 1.
      target: request.target ?? (typed ? null : [count + 1]),
      learningRate: request.learningRate,
    });
  } finally {
    model.dispose();
  }
}

async function explainBundle(bundleDir: string | null, input: number[] | null, target: number[] | null, learningRate: number): Promise<AnatomyReport> {
  if (!bundleDir) throw new InvalidInputError('Choose a bundle folder to explain a trained model.');
  const model = await loadBundleModel(bundleDir);
  try {
    const [, timeSteps, features] = model.inputs[0].shape as [null, number, number];
    const facts = await readBundleFacts(bundleDir);
    const config = facts?.config ?? null;
    const targetScale = facts?.target ?? null;
    const notes: string[] = [];
    if (config === null) notes.push('The bundle has no readable metadata.json run configuration; only the model is explained.');
    else if (config.prep.timeSteps !== timeSteps) notes.push(`metadata.json says ${config.prep.timeSteps} time steps but the model reads ${timeSteps}; the model wins.`);
    if (input !== null) {
      return explainModel(model, input, { source: 'bundle', bundleDir, seed: null, inputSource: 'Input typed by the analyst (in the scaled units the model reads).', notes, target, learningRate, targetScale });
    }
    const window = config ? await findDataWindow(config, bundleDir, timeSteps, features) : null;
    if (window) {
      return explainModel(model, window.values, { source: 'bundle', bundleDir, seed: null, inputSource: window.description, notes, target: target ?? window.target, learningRate, targetScale });
    }
    notes.push("The bundle's data could not be read, so the input is an evenly spaced sequence in 0–1.");
    return explainModel(model, evenlySpacedInput(timeSteps * features), { source: 'bundle', bundleDir, seed: null, inputSource: 'Evenly spaced values between 0 and 1.', notes, targetScale });
  } finally {
    model.dispose();
  }
}

/** 1, 2, 3, … n */
export function countingInput(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function evenlySpacedInput(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
}

/**
 * Explain any supported model on one input sequence (flat, row-major [timeSteps × features]).
 * The model is not disposed.
 */
export function explainModel(model: tf.LayersModel, input: readonly number[], context: ExplainContext = DEFAULT_CONTEXT): AnatomyReport {
  const network = extractNetwork(model);
  checkInput(input, network);
  const sequence = toRows(input, network.timeSteps);

  const layers: AnatomyRecurrentLayer[] = [];
  let layerInput: Vector[] = sequence;
  network.recurrent.forEach((layer, i) => {
    const steps = runRecurrentLayer(layer, layerInput);
    layers.push(describeRecurrentLayer(layer, i, network.recurrent.length, steps));
    layerInput = steps.map((step) => step.h);
  });

  const head: AnatomyDenseLayer[] = [];
  let headInput = layers[layers.length - 1].steps[network.timeSteps - 1].h;
  network.dense.forEach((layer, i) => {
    const dense = computeDense(layer, i, network.dense.length, headInput);
    head.push(dense);
    headInput = dense.output;
  });

  const byHand = head[head.length - 1].output;
  const predict = predictOnce(model, input, network);
  if (![...byHand, ...predict].every(Number.isFinite)) {
    throw new InvalidInputError('The output grows beyond what float32 can hold for this input; use smaller input values or a bounded activation such as tanh.');
  }
  const first = network.recurrent[0];
  const backprop = explainBackprop(model, network, sequence, context, head[head.length - 1].units);
  return {
    source: context.source,
    bundleDir: context.bundleDir,
    seed: context.seed,
    summary: summarise(network),
    cell: first.cell,
    units: first.units,
    activation: first.activation,
    timeSteps: network.timeSteps,
    features: network.features,
    input: sequence,
    inputSource: context.inputSource,
    parameters: countParameters(network),
    layers,
    head,
    output: { ...compareOutputs(byHand, predict, network), original: inOriginalUnits(byHand, context.targetScale ?? null) },
    backprop: backprop.report,
    notes: [...context.notes, ...stackNotes(network), ...backprop.notes],
  };
}

/** The output in the target's original units: the MinMax scaling undone (null for the demo). */
function inOriginalUnits(scaled: readonly number[], scale: ExplainContext['targetScale'] | null): AnatomyReport['output']['original'] {
  if (!scale) return null;
  return { column: scale.column, values: scaled.map((v) => v * (scale.max - scale.min) + scale.min) };
}

/** Backprop through time on this window, where the network, the activations and a target allow it. */
function explainBackprop(
  model: tf.LayersModel,
  network: ExtractedNetwork,
  sequence: Vector[],
  context: ExplainContext,
  outputs: number,
): { report: AnatomyBackprop | null; notes: string[] } {
  const target = context.target ?? null;
  if (target === null) return { report: null, notes: ['Give a target value to see backpropagation through time on this window.'] };
  const reason = backpropUnsupportedReason(network);
  if (reason) return { report: null, notes: [reason] };
  if (target.length !== outputs) {
    throw new InvalidInputError(`The target has ${target.length} value${target.length === 1 ? '' : 's'} but the model predicts ${outputs}.`);
  }
  return { report: backpropThroughTime(model, network, sequence, target, context.learningRate ?? 0.001), notes: [] };
}

function checkInput(input: readonly number[], network: ExtractedNetwork): void {
  const expected = network.timeSteps * network.features;
  if (input.length !== expected) {
    const featureWord = network.features === 1 ? 'feature' : 'features';
    throw new InvalidInputError(
      `The input has ${input.length} value${input.length === 1 ? '' : 's'} but the model reads ${network.timeSteps} time steps × ${network.features} ${featureWord} = ${expected}.`,
    );
  }
  if (input.some((v) => !Number.isFinite(v))) throw new InvalidInputError('Every input value must be a finite number.');
}

function predictOnce(model: tf.LayersModel, input: readonly number[], network: ExtractedNetwork): number[] {
  return tf.tidy(() => {
    const x = tf.tensor3d([...input], [1, network.timeSteps, network.features]);
    const y = model.predict(x) as tf.Tensor;
    return Array.from(y.dataSync());
  });
}

function superscript(index: number, count: number): string {
  return count > 1 ? `^(${index + 1})` : '';
}

function describeRecurrentLayer(layer: RecurrentLayerWeights, i: number, count: number, steps: AnatomyRecurrentLayer['steps']): AnatomyRecurrentLayer {
  const sup = superscript(i, count);
  const blocks = GATE_BLOCKS[layer.cell];
  const groups = layer.cell === 'simpleRNN' ? [] : blocks.map((b, k) => ({ label: b.symbol, from: k * layer.units, to: (k + 1) * layer.units }));
  const gateText = layer.cell === 'simpleRNN' ? '' : ` Its ${blocks.length} blocks of ${layer.units} columns belong to ${blocks.map((b) => `${b.label} ${b.symbol}`).join(', ')}.`;
  const source = i === 0 ? 'input feature of x_t' : `hidden unit of the layer below (its h_t)`;
  const weights: AnatomyWeight[] = [
    weight(`w_x${sup}`, layer.variableNames.kernel, layer.kernel, `Input kernel: a row per ${source}, a column per hidden unit.${gateText}`, groups),
    weight(`w_h${sup}`, layer.variableNames.recurrentKernel, layer.recurrentKernel, `Recurrent kernel: how the previous hidden state h_{t-1} feeds each hidden unit.${gateText}`, groups),
    weight(`b_h${sup}`, layer.variableNames.bias ?? '(no bias: zeros)', [layer.bias], biasRole(layer), groups),
  ];
  return {
    index: i + 1,
    name: layer.name,
    cell: layer.cell,
    units: layer.units,
    inputSize: layer.inputSize,
    activation: layer.activation,
    recurrentActivation: layer.recurrentActivation,
    equations: cellEquations(layer),
    weights,
    steps,
  };
}

function biasRole(layer: RecurrentLayerWeights): string {
  if (layer.cell === 'gru') return 'Bias, added on the input side only (tfjs GRU uses reset_after = false: no separate recurrent bias).';
  if (layer.cell === 'lstm') return 'Bias of the four gate blocks.';
  return 'Bias of the hidden units.';
}

function weight(name: string, modelName: string, rows: number[][], role: string, columnGroups: AnatomyWeight['columnGroups']): AnatomyWeight {
  const shape = rows.length === 1 && name.startsWith('b_') ? [rows[0].length] : [rows.length, rows[0]?.length ?? 0];
  return { name, modelName, shape, rows: rows.map((r) => [...r]), role, columnGroups };
}

function computeDense(layer: DenseLayerWeights, i: number, count: number, h: Vector): AnatomyDenseLayer {
  const sup = superscript(i, count);
  const preActivation = add(vectorTimesMatrix(h, layer.kernel), layer.bias);
  const output = apply(preActivation, activationByName(layer.activation));
  const reads = i === 0 ? 'the last hidden state h_T' : 'the previous Dense layer';
  return {
    name: layer.name,
    units: layer.units,
    activation: layer.activation,
    weights: [
      weight(`w_y${sup}`, layer.variableNames.kernel, layer.kernel, `Dense kernel: a row per value of ${reads}, a column per output.`, []),
      weight(`b_y${sup}`, layer.variableNames.bias ?? '(no bias: zeros)', [layer.bias], 'Bias of the outputs.', []),
    ],
    preActivation,
    output,
  };
}


function countParameters(network: ExtractedNetwork): AnatomyReport['parameters'] {
  const terms = [
    ...network.recurrent.map((layer) => {
      const g = gateCount(layer.cell);
      const hasBias = layer.variableNames.bias !== null;
      const inner = `m·F + m·m${hasBias ? ' + m' : ''}`;
      const innerValues = `${layer.units}·${layer.inputSize} + ${layer.units}·${layer.units}${hasBias ? ` + ${layer.units}` : ''}`;
      const count = g * (layer.units * layer.inputSize + layer.units * layer.units + (hasBias ? layer.units : 0));
      return {
        layer: `${cellName(layer.cell)} ${layer.name}`,
        formula: g === 1 ? inner : `${g}·(${inner})`,
        substituted: g === 1 ? innerValues : `${g}·(${innerValues})`,
        count,
      };
    }),
    ...network.dense.map((layer) => {
      const hasBias = layer.variableNames.bias !== null;
      return {
        layer: `Dense ${layer.name}`,
        formula: hasBias ? 'm·H + H' : 'm·H',
        substituted: `${layer.inputSize}·${layer.units}${hasBias ? ` + ${layer.units}` : ''}`,
        count: layer.inputSize * layer.units + (hasBias ? layer.units : 0),
      };
    }),
  ];
  const total = terms.reduce((sum, term) => sum + term.count, 0);
  const explanation =
    `${terms.map((t) => `(${t.substituted})`).join(' + ')} = ${terms.map((t) => t.count).join(' + ')} = ${total}` +
    ' (m = units, F = values per input step, H = outputs' +
    (network.recurrent.some((l) => l.cell !== 'simpleRNN') ? '; LSTM has 4 gate blocks, GRU 3' : '') +
    ')';
  return { total, modelCount: network.modelParameterCount, terms, explanation };
}

function compareOutputs(byHand: number[], predict: number[], network: ExtractedNetwork): Omit<AnatomyReport['output'], 'original'> {
  const absoluteDifference = byHand.map((v, i) => Math.abs(v - predict[i]));
  const maxAbsoluteDifference = Math.max(...absoluteDifference);
  const scale = Math.max(1, ...predict.map(Math.abs));
  const tolerance = 1e-5 * scale;
  const last = network.dense.length > 1 ? 'the Dense layers' : 'g(h_T·w_y + b_y)';
  return {
    formula: `o_T = ${last}, g = ${network.dense[network.dense.length - 1].activation}`,
    byHand,
    predict,
    absoluteDifference,
    maxAbsoluteDifference,
    tolerance,
    matches: maxAbsoluteDifference <= tolerance,
  };
}

function summarise(network: ExtractedNetwork): string {
  const recurrent = network.recurrent.map((l) =>
    l.cell === 'simpleRNN' ? `SimpleRNN(${l.units}, ${l.activation})` : `${cellName(l.cell)}(${l.units}, ${l.activation}; gates ${l.recurrentActivation})`,
  );
  const dense = network.dense.map((l) => `Dense(${l.units}, ${l.activation})`);
  return `input (${network.timeSteps}, ${network.features}) → ${[...recurrent, ...dense].join(' → ')}`;
}

function stackNotes(network: ExtractedNetwork): string[] {
  if (network.recurrent.length === 1) return [];
  return [`${network.recurrent.length} stacked recurrent layers: each layer's x_t is the h_t of the layer below; dropout does nothing at prediction time.`];
}
