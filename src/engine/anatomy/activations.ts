/**
 * Activation functions in plain float64 JavaScript, named as tfjs serialises them, with the exact
 * formulas tfjs-layers uses (e.g. hardSigmoid = clip(0.2·x + 0.5, 0, 1), tfjs's default gate activation).
 */
import { InvalidInputError } from '../../contract/run-config.js';

export type ScalarActivation = (x: number) => number;

const sigmoid: ScalarActivation = (x) => 1 / (1 + Math.exp(-x));
const softplus: ScalarActivation = (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const ACTIVATIONS: Record<string, { fn: ScalarActivation; formula: string }> = {
  linear: { fn: (x) => x, formula: 'x' },
  tanh: { fn: Math.tanh, formula: 'tanh(x)' },
  relu: { fn: (x) => Math.max(0, x), formula: 'max(0, x)' },
  relu6: { fn: (x) => Math.min(6, Math.max(0, x)), formula: 'min(6, max(0, x))' },
  sigmoid: { fn: sigmoid, formula: '1 / (1 + e^(−x))' },
  hardSigmoid: { fn: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), formula: 'clip(0.2·x + 0.5, 0, 1)' },
  softsign: { fn: (x) => x / (1 + Math.abs(x)), formula: 'x / (1 + |x|)' },
  softplus: { fn: softplus, formula: 'ln(1 + e^x)' },
  elu: { fn: (x) => (x > 0 ? x : Math.expm1(x)), formula: 'x if x > 0 else e^x − 1' },
  selu: { fn: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), formula: '1.0507·(x if x > 0 else 1.6733·(e^x − 1))' },
  swish: { fn: (x) => x * sigmoid(x), formula: 'x·sigmoid(x)' },
  mish: { fn: (x) => x * Math.tanh(softplus(x)), formula: 'x·tanh(ln(1 + e^x))' },
};

/** The scalar function for a tfjs activation name; throws InvalidInputError for one the view cannot compute. */
export function activationByName(name: string): ScalarActivation {
  const found = ACTIVATIONS[name];
  if (!found) {
    throw new InvalidInputError(
      `The anatomy view cannot compute the activation "${name}" by hand; it knows ${Object.keys(ACTIVATIONS).join(', ')}.`,
    );
  }
  return found.fn;
}

/** The activation's formula in plain text, e.g. "clip(0.2·x + 0.5, 0, 1)". */
export function activationFormula(name: string): string {
  return ACTIVATIONS[name]?.formula ?? name;
}

/**
 * Derivatives f'(a) of the activations a run can use, as functions of the pre-activation a, for the
 * backprop-through-time view. tfjs's gradient of relu at 0 is 0 (step(a) with a > 0), and so is this one.
 */
const DERIVATIVES: Record<string, { fn: ScalarActivation; formula: string }> = {
  linear: { fn: () => 1, formula: '1' },
  tanh: { fn: (a) => 1 - Math.tanh(a) ** 2, formula: '1 − tanh(a)²' },
  relu: { fn: (a) => (a > 0 ? 1 : 0), formula: '1 if a > 0 else 0' },
  sigmoid: { fn: (a) => sigmoid(a) * (1 - sigmoid(a)), formula: 'σ(a)·(1 − σ(a))' },
};

/** f'(a) for a tfjs activation name, or null where the view has no hand derivative for it. */
export function activationDerivative(name: string): { fn: ScalarActivation; formula: string } | null {
  return DERIVATIVES[name] ?? null;
}
