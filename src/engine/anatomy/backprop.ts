/**
 * Backpropagation through time, by hand, for the tutorial's network: one SimpleRNN layer and a Dense head,
 * trained on one window with the mean squared error. Plain float64, no tfjs ops; the report puts tfjs's own
 * gradients (tf.variableGrads) and one tfjs Adam step beside every figure.
 *
 *   forward   a_t = x_t·w_x + h_{t-1}·w_h + b_h,  h_t = f(a_t),  z = h_T·w_y + b_y,  ŷ = g(z)
 *   loss      L = (1/H) Σ_k (ŷ_k − y_k)²
 *   head      ∂L/∂ŷ = (2/H)(ŷ − y),  ∂L/∂z = ∂L/∂ŷ ⊙ g'(z),  ∂L/∂w_y = h_Tᵀ·∂L/∂z,  ∂L/∂b_y = ∂L/∂z,  ∂L/∂h_T = ∂L/∂z·w_yᵀ
 *   step t    δ_t = ∂L/∂a_t = ∂L/∂h_t ⊙ f'(a_t);  ∂L/∂w_x += x_tᵀ·δ_t,  ∂L/∂w_h += h_{t-1}ᵀ·δ_t,  ∂L/∂b_h += δ_t;
 *             ∂L/∂h_{t-1} = δ_t·w_hᵀ   (from t = T down to 1)
 *   Adam      m = (1 − β₁)·g, v = (1 − β₂)·g², w ← w − lr·(m / (1 − β₁)) / (√(v / (1 − β₂)) + ε)  (the first step)
 */
import * as tf from '@tensorflow/tfjs';
import type { AnatomyBackprop, AnatomyGradient } from '../../contract/anatomy.js';
import { activationByName, activationDerivative } from './activations.js';
import type { ExtractedNetwork } from './extract-network.js';
import { add, apply, multiply, vectorTimesMatrix, zeros, type Matrix, type Vector } from './vector-math.js';

/** tfjs's Adam defaults (tf.train.adam): β₁, β₂, and ε = the backend's epsilon (1e-7 on cpu, wasm and tensorflow). */
const ADAM = { beta1: 0.9, beta2: 0.999 } as const;
/** float32 (tfjs) against float64 (by hand). */
const TOLERANCE = 1e-5;

/** Why backprop is not shown for a network, or null when it is. */
export function backpropUnsupportedReason(network: ExtractedNetwork): string | null {
  const [layer] = network.recurrent;
  if (network.recurrent.length !== 1 || layer.cell !== 'simpleRNN' || network.dense.length !== 1) {
    return 'Backpropagation through time is shown for one SimpleRNN layer with a Dense head (the tutorial\'s network).';
  }
  for (const name of [layer.activation, network.dense[0].activation]) {
    if (!activationDerivative(name)) return `Backpropagation through time is not shown for the activation "${name}".`;
  }
  return null;
}

const outer = (column: readonly number[], row: readonly number[]): Matrix => column.map((c) => row.map((r) => c * r));
const addInto = (into: Matrix, m: Matrix): void => into.forEach((row, i) => row.forEach((_, j) => (row[j] += m[i][j])));
const zeroMatrix = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => zeros(cols));
const transposeTimes = (v: readonly number[], m: Matrix): Vector => m.map((row) => row.reduce((s, w, j) => s + w * v[j], 0));

/**
 * One window's loss, every gradient as a sum over the steps, and one Adam step, for a network that
 * `backpropUnsupportedReason` accepts. `model` is the same network in tfjs, used only for the comparison.
 */
export function backpropThroughTime(
  model: tf.LayersModel,
  network: ExtractedNetwork,
  sequence: Vector[],
  target: readonly number[],
  learningRate: number,
): AnatomyBackprop {
  const layer = network.recurrent[0];
  const head = network.dense[0];
  const f = activationByName(layer.activation);
  const fPrime = activationDerivative(layer.activation)!.fn;
  const g = activationByName(head.activation);
  const gPrime = activationDerivative(head.activation)!.fn;
  const T = sequence.length;

  // Forward, keeping a_t and h_t.
  const a: Vector[] = [];
  const h: Vector[] = [zeros(layer.units)];
  for (let t = 0; t < T; t++) {
    a.push(add(vectorTimesMatrix(sequence[t], layer.kernel), vectorTimesMatrix(h[t], layer.recurrentKernel), layer.bias));
    h.push(apply(a[t], f));
  }
  const z = add(vectorTimesMatrix(h[T], head.kernel), head.bias);
  const yHat = apply(z, g);
  const H = yHat.length;
  const loss = yHat.reduce((s, y, k) => s + (y - target[k]) ** 2, 0) / H;

  // Head.
  const dLdy = yHat.map((y, k) => (2 / H) * (y - target[k]));
  const dLdz = multiply(dLdy, apply(z, gPrime));
  const gradWy = outer(h[T], dLdz);
  const gradBy = [...dLdz];

  // Through time, from T down to 1.
  const gradWx = zeroMatrix(layer.inputSize, layer.units);
  const gradWh = zeroMatrix(layer.units, layer.units);
  const gradBh = zeros(layer.units);
  const perStep: { t: number; wx: Matrix; wh: Matrix; bh: Vector }[] = [];
  const steps: AnatomyBackprop['steps'] = [];
  let dLdh = transposeTimes(dLdz, head.kernel);
  for (let t = T - 1; t >= 0; t--) {
    const delta = multiply(dLdh, apply(a[t], fPrime));
    const wx = outer(sequence[t], delta);
    const wh = outer(h[t], delta);
    addInto(gradWx, wx);
    addInto(gradWh, wh);
    delta.forEach((d, j) => (gradBh[j] += d));
    perStep.push({ t: t + 1, wx, wh, bh: [...delta] });
    const dLdhPrevious = transposeTimes(delta, layer.recurrentKernel);
    steps.push({ t: t + 1, dLdh: [...dLdh], dLda: delta, dLdhPrevious });
    dLdh = dLdhPrevious;
  }

  /** A weight's gradient; a recurrent weight's also as its terms per step, which add up to it. */
  const gradient = (name: string, modelName: string, rows: Matrix, stepRows?: (s: (typeof perStep)[number]) => Matrix): AnatomyGradient => ({
    name,
    modelName,
    rows,
    perStep: stepRows ? perStep.map((s) => ({ t: s.t, rows: stepRows(s) })) : [],
  });
  const gradients: AnatomyGradient[] = [
    gradient('w_x', layer.variableNames.kernel, gradWx, (s) => s.wx),
    gradient('w_h', layer.variableNames.recurrentKernel, gradWh, (s) => s.wh),
    gradient('b_h', layer.variableNames.bias ?? '(no bias)', [gradBh], (s) => [s.bh]),
    gradient('w_y', head.variableNames.kernel, gradWy),
    gradient('b_y', head.variableNames.bias ?? '(no bias)', [gradBy]),
  ];

  const weights: Record<string, Matrix> = { w_x: layer.kernel, w_h: layer.recurrentKernel, b_h: [layer.bias], w_y: head.kernel, b_y: [head.bias] };
  const epsilon = tf.backend().epsilon();
  const adamStep = (w: number, grad: number) => {
    const m = (1 - ADAM.beta1) * grad;
    const v = (1 - ADAM.beta2) * grad * grad;
    return w - (learningRate * (m / (1 - ADAM.beta1))) / (Math.sqrt(v / (1 - ADAM.beta2)) + epsilon);
  };
  const adamUpdates = gradients.map((gr) => ({
    name: gr.name,
    before: weights[gr.name].map((row) => [...row]),
    after: weights[gr.name].map((row, i) => row.map((w, j) => adamStep(w, gr.rows[i][j]))),
  }));

  const symbolOf = new Map(gradients.map((gr) => [gr.modelName, gr.name]));
  const fromTfjs = tfjsGradientsAndAdamStep(model, sequence, target, learningRate, symbolOf);
  const difference = (mine: { name: string; rows: Matrix }[], theirs: Record<string, Matrix>) =>
    Math.max(0, ...mine.flatMap((m) => m.rows.flatMap((row, i) => row.map((v, j) => Math.abs(v - (theirs[m.name]?.[i]?.[j] ?? NaN))))));
  const gradientDifference = difference(gradients, fromTfjs.gradients);
  const adamDifference = difference(adamUpdates.map((u) => ({ name: u.name, rows: u.after })), fromTfjs.after);

  return {
    target: [...target],
    lossFormula: H === 1 ? 'L = (ŷ − y)²' : `L = (1/${H}) Σ_k (ŷ_k − y_k)²`,
    loss,
    prediction: yHat,
    output: { z, dLdy, dLdz },
    steps,
    gradients,
    tfjs: {
      gradients: gradients.map((gr) => ({ name: gr.name, rows: fromTfjs.gradients[gr.name] })),
      maxAbsoluteDifference: gradientDifference,
      tolerance: TOLERANCE,
      matches: gradientDifference <= TOLERANCE,
    },
    adam: {
      learningRate,
      beta1: ADAM.beta1,
      beta2: ADAM.beta2,
      epsilon,
      updates: adamUpdates,
      tfjsMaxAbsoluteDifference: adamDifference,
      matches: adamDifference <= TOLERANCE,
    },
  };
}


/**
 * tfjs's gradients of the same loss (tf.variableGrads over the model's trainable weights) and the weights
 * after one tf.train.adam step from fresh moments, on copies: the model itself is left as it was.
 */
function tfjsGradientsAndAdamStep(model: tf.LayersModel, sequence: Vector[], target: readonly number[], learningRate: number, symbolOf: Map<string, string>) {
  const originals = model.getWeights().map((w) => w.clone());
  const layerVariables = model.trainableWeights;
  const trainable = layerVariables.map((w) => w.read() as tf.Variable);
  const symbols = layerVariables.map((w) => symbolOf.get(w.name) ?? w.name);
  const x = tf.tensor3d(sequence.flat(), [1, sequence.length, sequence[0].length]);
  const y = tf.tensor2d([[...target]]);
  try {
    const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, trainable);
    const gradients: Record<string, Matrix> = {};
    const after: Record<string, Matrix> = {};
    const ordered = trainable.map((v) => grads[v.name]);
    ordered.forEach((grad, i) => (gradients[symbols[i]] = asRows(grad)));
    const optimizer = tf.train.adam(learningRate);
    optimizer.applyGradients(trainable.map((v, i) => ({ name: v.name, tensor: ordered[i] })));
    trainable.forEach((v, i) => (after[symbols[i]] = asRows(v)));
    optimizer.dispose();
    tf.dispose(Object.values(grads));
    return { gradients, after };
  } finally {
    model.setWeights(originals);
    tf.dispose([x, y, ...originals]);
  }
}

function asRows(t: tf.Tensor): Matrix {
  const values = Array.from(t.dataSync());
  if (t.rank === 1) return [values];
  const [rows, cols] = t.shape as [number, number];
  return Array.from({ length: rows }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}
