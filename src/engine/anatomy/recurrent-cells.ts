/**
 * The recurrent cells computed by hand, step by step, in float64, with exactly the formulas tfjs-layers
 * uses (node_modules/@tensorflow/tfjs-layers/dist/layers/recurrent.js):
 *
 * SimpleRNN  h_t = f(x_t·w_x + h_{t-1}·w_h + b_h)
 * LSTM       kernel columns in the order i, f, c, o;  z = x_t·W + h_{t-1}·U + b
 *            i = σ(z_i), f = σ(z_f), c̃ = f(z_c), o = σ(z_o), c_t = f⊙c_{t-1} + i⊙c̃, h_t = o⊙f(c_t)
 * GRU        kernel columns in the order z, r, h; tfjs supports only reset_after = false, one bias on the
 *            input side:  z = σ(x_t·W_z + b_z + h_{t-1}·U_z),  r = σ(x_t·W_r + b_r + h_{t-1}·U_r),
 *            h̃ = f(x_t·W_h + b_h + (r⊙h_{t-1})·U_h),  h_t = z⊙h_{t-1} + (1 − z)⊙h̃
 * where σ is the gate ("recurrent") activation, tfjs default hardSigmoid, and f the layer's activation.
 */
import type { AnatomyCell, AnatomyQuantity, AnatomyStep } from '../../contract/anatomy.js';
import { CELL_TYPES } from '../../contract/cell-types.js';
import { activationByName, activationFormula } from './activations.js';
import type { RecurrentLayerWeights } from './extract-network.js';
import { add, apply, columns, multiply, vectorTimesMatrix, zeros, type Vector } from './vector-math.js';

/** Gate blocks of the kernel columns, in tfjs order. */
export const GATE_BLOCKS: Record<AnatomyCell, readonly { symbol: string; label: string }[]> = {
  simpleRNN: CELL_TYPES.simpleRNN.gates,
  lstm: CELL_TYPES.lstm.gates,
  gru: CELL_TYPES.gru.gates,
};

export function cellEquations(layer: Pick<RecurrentLayerWeights, 'cell' | 'activation' | 'recurrentActivation'>): string[] {
  const f = `f = ${layer.activation}: f(x) = ${activationFormula(layer.activation)}`;
  const sigma = `σ = ${layer.recurrentActivation}: σ(x) = ${activationFormula(layer.recurrentActivation ?? '')}`;
  switch (layer.cell) {
    case 'simpleRNN':
      return ['h_0 = 0', 'a_t = x_t·w_x + h_{t-1}·w_h + b_h', 'h_t = f(a_t)', f];
    case 'lstm':
      return [
        'h_0 = 0, c_0 = 0',
        'i_t = σ(x_t·w_x[i] + h_{t-1}·w_h[i] + b_h[i])',
        'f_t = σ(x_t·w_x[f] + h_{t-1}·w_h[f] + b_h[f])',
        'c̃_t = f(x_t·w_x[c̃] + h_{t-1}·w_h[c̃] + b_h[c̃])',
        'o_t = σ(x_t·w_x[o] + h_{t-1}·w_h[o] + b_h[o])',
        'c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t',
        'h_t = o_t ⊙ f(c_t)',
        f,
        sigma,
      ];
    case 'gru':
      return [
        'h_0 = 0',
        'z_t = σ(x_t·w_x[z] + b_h[z] + h_{t-1}·w_h[z])',
        'r_t = σ(x_t·w_x[r] + b_h[r] + h_{t-1}·w_h[r])',
        'h̃_t = f(x_t·w_x[h̃] + b_h[h̃] + (r_t ⊙ h_{t-1})·w_h[h̃])',
        'h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t',
        f,
        sigma,
      ];
  }
}

/** Run one recurrent layer over a sequence from h_0 = 0 (and c_0 = 0), keeping every step. */
export function runRecurrentLayer(layer: RecurrentLayerWeights, sequence: readonly Vector[]): AnatomyStep[] {
  const steps: AnatomyStep[] = [];
  let h = zeros(layer.units);
  let c = zeros(layer.units);
  sequence.forEach((x, index) => {
    const step = stepOf(layer, x, h, c);
    steps.push({ t: index + 1, x: [...x], quantities: step.quantities, h: step.h, c: step.c });
    h = step.h;
    c = step.c ?? c;
  });
  return steps;
}

interface StepResult {
  quantities: AnatomyQuantity[];
  h: Vector;
  c: Vector | null;
}

function stepOf(layer: RecurrentLayerWeights, x: Vector, hPrev: Vector, cPrev: Vector): StepResult {
  switch (layer.cell) {
    case 'simpleRNN':
      return simpleRnnStep(layer, x, hPrev);
    case 'lstm':
      return lstmStep(layer, x, hPrev, cPrev);
    case 'gru':
      return gruStep(layer, x, hPrev);
  }
}

function simpleRnnStep(layer: RecurrentLayerWeights, x: Vector, hPrev: Vector): StepResult {
  const f = activationByName(layer.activation);
  const fromInput = vectorTimesMatrix(x, layer.kernel);
  const fromPrevious = vectorTimesMatrix(hPrev, layer.recurrentKernel);
  const a = add(fromInput, fromPrevious, layer.bias);
  const h = apply(a, f);
  return {
    quantities: [
      { symbol: 'x_t·w_x', label: 'input contribution', values: fromInput },
      { symbol: 'h_{t-1}·w_h', label: 'recurrent contribution', values: fromPrevious },
      { symbol: 'a_t', label: 'pre-activation (sum + b_h)', values: a },
      { symbol: 'h_t', label: 'hidden state', values: h },
    ],
    h,
    c: null,
  };
}

/** Block k of m columns of a matrix or vector. */
function block<T extends number[] | number[][]>(whole: T, k: number, units: number): T {
  const from = k * units;
  const to = from + units;
  return (Array.isArray(whole[0]) ? columns(whole as number[][], from, to) : (whole as number[]).slice(from, to)) as T;
}

function lstmStep(layer: RecurrentLayerWeights, x: Vector, hPrev: Vector, cPrev: Vector): StepResult {
  const f = activationByName(layer.activation);
  const sigma = activationByName(layer.recurrentActivation ?? 'hardSigmoid');
  const z = add(vectorTimesMatrix(x, layer.kernel), vectorTimesMatrix(hPrev, layer.recurrentKernel), layer.bias);
  const m = layer.units;
  const i = apply(block(z, 0, m), sigma);
  const forget = apply(block(z, 1, m), sigma);
  const candidate = apply(block(z, 2, m), f);
  const o = apply(block(z, 3, m), sigma);
  const c = add(multiply(forget, cPrev), multiply(i, candidate));
  const h = multiply(o, apply(c, f));
  return {
    quantities: [
      { symbol: 'i_t', label: 'input gate', values: i },
      { symbol: 'f_t', label: 'forget gate', values: forget },
      { symbol: 'c̃_t', label: 'candidate cell', values: candidate },
      { symbol: 'o_t', label: 'output gate', values: o },
      { symbol: 'c_t', label: 'cell state', values: c },
      { symbol: 'h_t', label: 'hidden state', values: h },
    ],
    h,
    c,
  };
}

function gruStep(layer: RecurrentLayerWeights, x: Vector, hPrev: Vector): StepResult {
  const f = activationByName(layer.activation);
  const sigma = activationByName(layer.recurrentActivation ?? 'hardSigmoid');
  const m = layer.units;
  const fromInput = add(vectorTimesMatrix(x, layer.kernel), layer.bias);
  const u = layer.recurrentKernel;
  const z = apply(add(block(fromInput, 0, m), vectorTimesMatrix(hPrev, block(u, 0, m))), sigma);
  const r = apply(add(block(fromInput, 1, m), vectorTimesMatrix(hPrev, block(u, 1, m))), sigma);
  const candidate = apply(add(block(fromInput, 2, m), vectorTimesMatrix(multiply(r, hPrev), block(u, 2, m))), f);
  const h = add(multiply(z, hPrev), multiply(apply(z, (v) => 1 - v), candidate));
  return {
    quantities: [
      { symbol: 'z_t', label: 'update gate', values: z },
      { symbol: 'r_t', label: 'reset gate', values: r },
      { symbol: 'h̃_t', label: 'candidate state', values: candidate },
      { symbol: 'h_t', label: 'hidden state', values: h },
    ],
    h,
    c: null,
  };
}
