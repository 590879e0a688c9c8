import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../train/random.js';
import { MinMaxScaler } from './scaler.js';
import {
  applyTransforms,
  boxCox,
  boxCoxLambda,
  boxCoxLogLikelihood,
  difference,
  fitTargetTransforms,
  inverseBoxCox,
  invertTransforms,
  modelFeatures,
  TargetSpace,
  targetTransformSpecs,
  undifference,
  type TransformSpec,
} from './transforms.js';

const passengers = readFileSync(new URL('../../../resources/datasets/air-passengers.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((row) => Number(row.split(',')[1]));

const relativeError = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));

describe('Box-Cox and log', () => {
  it('computes the textbook values', () => {
    expect(Array.from(boxCox([1, Math.E, 4], 0))).toEqual([0, 1, Math.log(4)]);
    expect(Array.from(boxCox([1, 4, 9], 0.5))).toEqual([0, 2, 4]); // (sqrt(y) - 1) / 0.5
    expect(Array.from(boxCox([3, 5], 1))).toEqual([2, 4]);
  });

  it('round-trips exactly (to the last few bits) for lambdas from -1 to 2', () => {
    for (const lambda of [-1, -0.5, 0, 0.25, 1, 2]) expect(relativeError(inverseBoxCox(boxCox(passengers, lambda), lambda), passengers)).toBeLessThan(1e-13);
  });

  it('refuses values that are not positive, in one sentence', () => {
    expect(() => boxCox([3, 0, 2], 0)).toThrow('The log transform needs positive values, but row 1 holds 0; choose another transform or none.');
  });

  it('chooses lambda by maximum likelihood: the best on a grid, and about 0 for a series that is exp of a line plus noise', () => {
    const lambda = boxCoxLambda(passengers);
    for (let grid = -1; grid <= 2; grid += 0.05) expect(boxCoxLogLikelihood(passengers, lambda)).toBeGreaterThanOrEqual(boxCoxLogLikelihood(passengers, grid) - 1e-9);
    const random = seededRandom(3);
    const lognormal = Array.from({ length: 2000 }, () => Math.exp(2 + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())));
    expect(Math.abs(boxCoxLambda(lognormal))).toBeLessThan(0.1);
  });
});

describe('differencing', () => {
  it('takes lag-1 and seasonal differences', () => {
    expect(difference([1, 4, 9, 16], 1)).toEqual({ values: Float64Array.from([3, 5, 7]), initial: [1] });
    expect(difference([1, 2, 3, 11, 12, 13], 3)).toEqual({ values: Float64Array.from([10, 10, 10]), initial: [1, 2, 3] });
    expect(() => difference([1, 2], 2)).toThrow('Differencing at lag 2 needs more than 2 rows; the series has 2.');
  });

  it('turns forecast differences into values from the last known ones', () => {
    // Season 3, history ..., 11, 12, 13; seasonal differences 10, 10, 10, 10 → 21, 22, 23, 31
    expect(Array.from(undifference([10, 10, 10, 10], [1, 2, 3, 11, 12, 13], 3))).toEqual([21, 22, 23, 31]);
  });

  it('round-trips integers exactly, and any chain within rounding', () => {
    const differenced = applyTransforms(passengers, [{ kind: 'difference', lag: 1 }, { kind: 'difference', lag: 12 }]);
    expect(Array.from(invertTransforms(differenced.values, differenced.states))).toEqual(passengers);
    const chains: TransformSpec[][] = [
      [{ kind: 'log' }],
      [{ kind: 'box-cox', lambda: 'auto' }, { kind: 'difference', lag: 12 }],
      [{ kind: 'log' }, { kind: 'difference', lag: 1 }, { kind: 'difference', lag: 12 }],
    ];
    for (const chain of chains) {
      const { values, states } = applyTransforms(passengers, chain);
      expect(values.length).toBe(passengers.length - chain.reduce((s, c) => s + (c.kind === 'difference' ? c.lag : 0), 0));
      expect(relativeError(invertTransforms(values, states), passengers)).toBeLessThan(1e-12);
    }
  });
});

describe('the target space of a run', () => {
  const series = Float64Array.from(passengers);
  const prep = { transform: 'box-cox' as const, boxCoxLambda: null, difference: [1, 12] };

  it('fits the Box-Cox lambda on the training part only', () => {
    const steps = fitTargetTransforms(series, targetTransformSpecs(prep), 120);
    expect(steps[0]).toEqual({ kind: 'box-cox', lambda: boxCoxLambda(series.subarray(0, 120)) });
    expect(steps.slice(1)).toEqual([{ kind: 'difference', lag: 1 }, { kind: 'difference', lag: 12 }]);
    const changedTest = Float64Array.from(series, (v, i) => (i >= 120 ? v * 10 : v));
    expect(fitTargetTransforms(changedTest, targetTransformSpecs(prep), 120)).toEqual(steps);
    expect(fitTargetTransforms(series, targetTransformSpecs({ transform: 'log', boxCoxLambda: null, difference: [] }), 120)).toEqual([{ kind: 'box-cox', lambda: 0 }]);
  });

  it('round-trips exactly: the scaled model values of any rows turn back into the actual values from any origin', () => {
    for (const chain of [prep, { transform: 'log' as const, boxCoxLambda: null, difference: [1] }, { transform: 'none' as const, boxCoxLambda: null, difference: [12] }]) {
      const steps = fitTargetTransforms(series, targetTransformSpecs(chain), 120);
      const { features, levels } = modelFeatures([series], { steps });
      const gap = chain.difference.reduce((a, b) => a + b, 0);
      expect(features[0].subarray(0, gap).every(Number.isNaN)).toBe(true);
      const scaler = MinMaxScaler.fit([features[0].subarray(gap, 120)]);
      const target = TargetSpace.transformed(series, steps, scaler, { min: 104, max: 622 }, levels!);
      const modelScaled = scaler.transform(features[0], 0);
      for (const origin of [gap, gap + 1, 60, 119, 130]) {
        const k = 144 - origin - 1;
        const back = target.toOriginal(modelScaled.subarray(origin + 1), origin);
        expect(back).toHaveLength(k);
        expect(relativeError(back, series.subarray(origin + 1))).toBeLessThan(1e-12);
      }
      // Windows of 3 steps, each from its own origin.
      const origins = [gap + 5, gap + 40, 100];
      const outputs = origins.flatMap((o) => Array.from(modelScaled.subarray(o + 1, o + 4)));
      const back = target.windowsToOriginal(outputs, 3, (s) => origins[s]);
      expect(relativeError(back, origins.flatMap((o) => Array.from(series.subarray(o + 1, o + 4))))).toBeLessThan(1e-12);
      expect(target.state()).toEqual({ steps, original: { min: 104, max: 622 } });
    }
  });

  it('without transforms is the run\'s scaler, exactly', () => {
    const scaler = MinMaxScaler.fit([series]);
    const scaled = scaler.transform(series, 0);
    const target = TargetSpace.untransformed(series, scaler, scaled);
    expect(target.transformed).toBe(false);
    expect(target.state()).toBeNull();
    expect(Array.from(target.toOriginal([0, 0.5, 1], 7))).toEqual([104, 363, 622]);
    expect(target.scaled).toBe(scaled);
  });

  it('maps a Box-Cox prediction below the range to the bound instead of NaN', () => {
    expect(Array.from(inverseBoxCox([-3], 0.5))).toEqual([0]);
  });
});
