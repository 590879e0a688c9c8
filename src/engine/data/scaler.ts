/**
 * MinMax scaling to [0, 1], per feature, as scikit-learn's MinMaxScaler does (a constant feature maps to 0).
 */
import type { ScalerState } from '../../contract/run-result.js';

export class MinMaxScaler {
  constructor(
    readonly min: readonly number[],
    readonly max: readonly number[],
  ) {}

  /** Fit one min/max per feature on `features[f]` (each an array of values). */
  static fit(features: readonly ArrayLike<number>[]): MinMaxScaler {
    const min: number[] = [];
    const max: number[] = [];
    for (const values of features) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (!Number.isFinite(lo)) throw new Error('cannot fit a scaler on an empty feature');
      min.push(lo);
      max.push(hi);
    }
    return new MinMaxScaler(min, max);
  }

  static fromState(state: Pick<ScalerState, 'min' | 'max'>): MinMaxScaler {
    return new MinMaxScaler(state.min, state.max);
  }

  private range(feature: number): number {
    const r = this.max[feature] - this.min[feature];
    return r === 0 ? 1 : r;
  }

  transformValue(value: number, feature = 0): number {
    return (value - this.min[feature]) / this.range(feature);
  }

  inverseValue(scaled: number, feature = 0): number {
    return scaled * this.range(feature) + this.min[feature];
  }

  transform(values: ArrayLike<number>, feature = 0): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.transformValue(values[i], feature);
    return out;
  }

  inverse(values: ArrayLike<number>, feature = 0): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.inverseValue(values[i], feature);
    return out;
  }
}
