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
 *
 * A run's target goes through `TargetSpace` (prepare.ts): the configured chain (prep.transform, then
 * prep.difference) is fitted on the training part (the Box-Cox lambda), applied row by row before scaling, and
 * every model output is turned back into original units from the actual values up to its origin.
 */
import { InvalidInputError, type PrepSpec } from '../../contract/run-config.js';
import type { AppliedTransform, TargetTransformState } from '../../contract/run-result.js';
import { MinMaxScaler } from './scaler.js';

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

/**
 * The inverse of boxCox. A predicted z below the transform's range (lambda * z + 1 < 0, which no real value
 * maps to) is taken at the bound, so a forecast is never "not a number".
 */
export function inverseBoxCox(values: ArrayLike<number>, lambda: number): Float64Array {
  return Float64Array.from(values as ArrayLike<number>, (z) => (lambda === 0 ? Math.exp(z) : Math.pow(Math.max(0, lambda * z + 1), 1 / lambda)));
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

/** The chain a run's prep asks for: the transform (if any), then each differencing lag in order. */
export function targetTransformSpecs(prep: Pick<PrepSpec, 'transform' | 'boxCoxLambda' | 'difference'>): TransformSpec[] {
  const specs: TransformSpec[] = [];
  if (prep.transform === 'log') specs.push({ kind: 'log' });
  if (prep.transform === 'box-cox') specs.push({ kind: 'box-cox', lambda: prep.boxCoxLambda ?? 'auto' });
  for (const lag of prep.difference) specs.push({ kind: 'difference', lag });
  return specs;
}

/** The chain as applied: log is Box-Cox at lambda 0, and an automatic lambda is fitted on the first `fitRows` values. */
export function fitTargetTransforms(target: ArrayLike<number>, specs: readonly TransformSpec[], fitRows: number): AppliedTransform[] {
  return specs.map((spec): AppliedTransform => {
    if (spec.kind === 'difference') return spec;
    if (spec.kind === 'log') return { kind: 'box-cox', lambda: 0 };
    return { kind: 'box-cox', lambda: spec.lambda === 'auto' ? boxCoxLambda(Float64Array.from(target as ArrayLike<number>).subarray(0, fitRows)) : spec.lambda };
  });
}

/**
 * The target at every stage of the chain, row-aligned with the series: levels[0] is the target, levels[i + 1]
 * the values after step i. A difference at lag k leaves its first k rows without a value (NaN).
 */
export function transformLevels(target: ArrayLike<number>, steps: readonly AppliedTransform[]): Float64Array[] {
  const levels = [Float64Array.from(target as ArrayLike<number>)];
  for (const step of steps) {
    const previous = levels[levels.length - 1];
    if (step.kind === 'box-cox') {
      const first = leadingGap(previous);
      const next = new Float64Array(previous.length).fill(NaN);
      next.set(boxCox(previous.subarray(first), step.lambda), first);
      levels.push(next);
    } else {
      const next = new Float64Array(previous.length).fill(NaN);
      for (let t = step.lag; t < previous.length; t++) next[t] = previous[t] - previous[t - step.lag];
      levels.push(next);
    }
  }
  return levels;
}

/** Rows without a value at the start of a level (the lags differenced so far). */
function leadingGap(values: Float64Array): number {
  let first = 0;
  while (first < values.length && Number.isNaN(values[first])) first++;
  return first;
}

/** Rows a chain of steps leaves without a value at the start: the sum of its differencing lags. */
export function transformGap(steps: readonly (TransformSpec | AppliedTransform)[]): number {
  return steps.reduce((sum, step) => sum + (step.kind === 'difference' ? step.lag : 0), 0);
}

/**
 * The model's features when the target goes through `state` (null = none): the target at the end of the
 * chain, then the other features as they are; and every stage of the target (transformLevels), or null.
 */
export function modelFeatures(features: readonly Float64Array[], state: Pick<TargetTransformState, 'steps'> | null): { features: Float64Array[]; levels: Float64Array[] | null } {
  if (!state || state.steps.length === 0) return { features: [...features], levels: null };
  const levels = transformLevels(features[0], state.steps);
  return { features: [levels[levels.length - 1], ...features.slice(1)], levels };
}

/**
 * The target as the model sees it and as people read it. The model works on `modelValues` (the target after
 * the chain) scaled by the run's scaler; `toOriginal` turns model outputs for the rows after an origin back
 * into original units, undoing each difference from the actual values up to the origin (later steps build on
 * the earlier predictions) and then the Box-Cox transform. Scaled metrics compare values in original units
 * scaled by `reportScaler` (without transforms: the run's scaler itself), so every model and reference is
 * scored on the same scale.
 */
export class TargetSpace {
  private constructor(
    readonly steps: readonly AppliedTransform[],
    /** levels[0] = the target; levels[i + 1] = after step i (see transformLevels). */
    private readonly levels: readonly Float64Array[],
    private readonly modelScaler: MinMaxScaler,
    /** Scales values in original units for the scaled metrics. */
    readonly reportScaler: MinMaxScaler,
    /** The target in original units through reportScaler, every row. */
    readonly scaled: Float64Array,
  ) {}

  /** No transforms: model outputs are the target scaled by the run's scaler (feature 0). */
  static untransformed(target: Float64Array, modelScaler: MinMaxScaler, scaledTarget: Float64Array): TargetSpace {
    return new TargetSpace([], [target], modelScaler, new MinMaxScaler([modelScaler.min[0]], [modelScaler.max[0]]), scaledTarget);
  }

  /** The target through `steps`; `state.original` is the min/max of the target the scaled metrics use. */
  static transformed(
    target: Float64Array,
    steps: readonly AppliedTransform[],
    modelScaler: MinMaxScaler,
    original: TargetTransformState['original'],
    levels: readonly Float64Array[] = transformLevels(target, steps),
  ): TargetSpace {
    const reportScaler = new MinMaxScaler([original.min], [original.max]);
    return new TargetSpace(steps, levels, modelScaler, reportScaler, reportScaler.transform(target, 0));
  }

  get transformed(): boolean {
    return this.steps.length > 0;
  }

  /** First row with a model value (rows before it are used up by differencing). */
  get firstRow(): number {
    return transformGap(this.steps);
  }

  /** The target after the whole chain (what the model is trained on, before scaling), NaN before firstRow. */
  get modelValues(): Float64Array {
    return this.levels[this.levels.length - 1];
  }

  /** What a bundle records to apply the chain again; null without transforms. */
  state(): TargetTransformState | null {
    return this.transformed ? { steps: [...this.steps], original: { min: this.reportScaler.min[0], max: this.reportScaler.max[0] } } : null;
  }

  /** Original-unit values of rows origin + 1, origin + 2, … from the model's (scaled) outputs for them. */
  toOriginal(modelScaled: ArrayLike<number>, origin: number): Float64Array {
    let current = this.modelScaler.inverse(modelScaled, 0);
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const step = this.steps[i];
      if (step.kind === 'box-cox') current = inverseBoxCox(current, step.lambda);
      else current = undifference(current, this.levels[i].subarray(origin + 1 - step.lag, origin + 1), step.lag);
    }
    return current;
  }

  /**
   * Original-unit values of a set of windows' outputs ([sample][step], `horizon` per sample), sample s
   * predicting the rows after `originOf(s)`.
   */
  windowsToOriginal(modelScaled: ArrayLike<number>, horizon: number, originOf: (sample: number) => number): Float64Array {
    if (!this.transformed) return this.modelScaler.inverse(modelScaled, 0);
    const out = new Float64Array(modelScaled.length);
    const values = Array.from(modelScaled);
    for (let s = 0; s * horizon < values.length; s++) out.set(this.toOriginal(values.slice(s * horizon, (s + 1) * horizon), originOf(s)), s * horizon);
    return out;
  }

  /**
   * The scaled values scored beside `original` (same rows): the model's own outputs without transforms (so
   * scores stay exactly as they were), else `original` through reportScaler.
   */
  scaledOf(original: ArrayLike<number>, modelScaled: ArrayLike<number>): ArrayLike<number> {
    return this.transformed ? this.reportScaler.transform(original, 0) : modelScaled;
  }
}
