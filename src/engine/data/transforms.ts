/**
 * Variance-stabilising and differencing transforms of a series, each with its exact inverse:
 *
 * - Box-Cox (Box & Cox 1964): (y^lambda - 1) / lambda, and log y at lambda = 0; positive values only.
 *   The lambda can be chosen by maximum likelihood (the profile log-likelihood of a normal model for the
 *   transformed values, Jacobian included) over [-1, 2].
 * - Differencing at a lag (1, or the season m): d_t = y_t - y_{t-lag}. Inverting needs the first `lag`
 *   values (to rebuild the series) or the last `lag` known values (to turn forecast differences into values).
 *
 * A chain of transforms is applied in order and inverted in reverse order; `TransformState` keeps what each
 * inverse needs.
 */
import { InvalidInputError } from '../../contract/run-config.js';

export type TransformSpec = { kind: 'log' } | { kind: 'box-cox'; lambda: number | 'auto' } | { kind: 'difference'; lag: number };

/** What inverting one applied transform needs. */
export type TransformState =
  | { kind: 'box-cox'; lambda: number }
  | { kind: 'difference'; lag: number; initial: number[] };

function requirePositive(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0)) {
      throw new InvalidInputError(`${what} needs positive values, but row ${i} holds ${values[i]}; choose another transform or none.`);
    }
  }
}

/** Box-Cox with a given lambda (0 = log). */
export function boxCox(values: ArrayLike<number>, lambda: number): Float64Array {
  requirePositive(values, lambda === 0 ? 'The log transform' : 'The Box-Cox transform');
  return Float64Array.from(values as ArrayLike<number>, (y) => (lambda === 0 ? Math.log(y) : (Math.pow(y, lambda) - 1) / lambda));
}

/** The inverse of boxCox. */
export function inverseBoxCox(values: ArrayLike<number>, lambda: number): Float64Array {
  return Float64Array.from(values as ArrayLike<number>, (z) => (lambda === 0 ? Math.exp(z) : Math.pow(lambda * z + 1, 1 / lambda)));
}

/** Profile log-likelihood of lambda: -n/2 log(variance of the transformed values) + (lambda - 1) sum log y. */
export function boxCoxLogLikelihood(values: ArrayLike<number>, lambda: number): number {
  const z = boxCox(values, lambda);
  const n = z.length;
  let mean = 0;
  for (const v of z) mean += v / n;
  let variance = 0;
  for (const v of z) variance += (v - mean) ** 2 / n;
  let sumLog = 0;
  for (let i = 0; i < n; i++) sumLog += Math.log(values[i]);
  return -0.5 * n * Math.log(variance) + (lambda - 1) * sumLog;
}

/** The maximum-likelihood lambda in [-1, 2] (golden-section search, to 1e-6). */
export function boxCoxLambda(values: ArrayLike<number>): number {
  requirePositive(values, 'The Box-Cox transform');
  const golden = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [-1, 2];
  let c = b - golden * (b - a);
  let d = a + golden * (b - a);
  while (b - a > 1e-6) {
    if (boxCoxLogLikelihood(values, c) > boxCoxLogLikelihood(values, d)) b = d;
    else a = c;
    c = b - golden * (b - a);
    d = a + golden * (b - a);
  }
  return (a + b) / 2;
}

/** d_t = y_t - y_{t-lag} for t >= lag (n - lag values), and the first `lag` values to invert it. */
export function difference(values: ArrayLike<number>, lag: number): { values: Float64Array; initial: number[] } {
  if (!Number.isInteger(lag) || lag < 1) throw new InvalidInputError(`The differencing lag must be a whole number of at least 1, not ${lag}.`);
  if (values.length <= lag) throw new InvalidInputError(`Differencing at lag ${lag} needs more than ${lag} rows; the series has ${values.length}.`);
  const out = new Float64Array(values.length - lag);
  for (let t = lag; t < values.length; t++) out[t - lag] = values[t] - values[t - lag];
  return { values: out, initial: Array.from({ length: lag }, (_, i) => values[i]) };
}

/**
 * The values after `history` from their differences at `lag`: y_t = d_t + y_{t-lag}, where the first lags
 * reach into history (its last `lag` values are used). With history = the initial values this rebuilds the
 * differenced series; with the last known values it turns forecast differences into forecast values.
 */
export function undifference(differences: ArrayLike<number>, history: ArrayLike<number>, lag: number): Float64Array {
  if (history.length < lag) throw new RangeError(`undifference at lag ${lag} needs ${lag} earlier values, got ${history.length}.`);
  const known = Array.from({ length: lag }, (_, i) => history[history.length - lag + i]);
  const out = new Float64Array(differences.length);
  for (let t = 0; t < differences.length; t++) out[t] = differences[t] + (t < lag ? known[t] : out[t - lag]);
  return out;
}

/** Apply a chain of transforms in order; returns the transformed values and what each inverse needs. */
export function applyTransforms(values: ArrayLike<number>, specs: readonly TransformSpec[]): { values: Float64Array; states: TransformState[] } {
  let current: Float64Array = Float64Array.from(values as ArrayLike<number>);
  const states: TransformState[] = [];
  for (const spec of specs) {
    if (spec.kind === 'difference') {
      const { values: differenced, initial } = difference(current, spec.lag);
      states.push({ kind: 'difference', lag: spec.lag, initial });
      current = differenced;
    } else {
      const lambda = spec.kind === 'log' ? 0 : spec.lambda === 'auto' ? boxCoxLambda(current) : spec.lambda;
      current = boxCox(current, lambda);
      states.push({ kind: 'box-cox', lambda });
    }
  }
  return { values: current, states };
}

/** The inverse of applyTransforms on the whole transformed series: the original values. */
export function invertTransforms(values: ArrayLike<number>, states: readonly TransformState[]): Float64Array {
  let current: Float64Array = Float64Array.from(values as ArrayLike<number>);
  for (const state of [...states].reverse()) {
    if (state.kind === 'difference') {
      current = Float64Array.from([...state.initial, ...undifference(current, state.initial, state.lag)]);
    } else current = inverseBoxCox(current, state.lambda);
  }
  return current;
}
