/**
 * Cutting a series into (input window, target) samples.
 *
 * 'tutorial' reproduces get_XY() of the Keras SimpleRNN tutorial: targets at indices T, 2T, 3T, ...
 * (every index < length), each predicted from the T values before it, so input windows do not overlap.
 * 'sliding' takes every start position (stride 1). With a horizon H > 1 a sample's target is the H values
 * that follow its window; a sample is kept only if all H exist.
 */
import { targetPositions, type WindowOptions } from '../../contract/window-plan.js';

export { targetPositions, type WindowOptions };

export interface Windows {
  /** Inputs, row-major [samples, timeSteps, features]. */
  x: Float32Array;
  /** Targets, row-major [samples, horizon]. */
  y: Float32Array;
  /** Index (within the part that was windowed) of each sample's first target value. */
  targetIndex: number[];
  samples: number;
  timeSteps: number;
  features: number;
  horizon: number;
}

/**
 * Window a part of the data. `features[f][i]` is feature f at row i (feature 0 is the target series);
 * targets are taken from `target` (normally features[0]).
 */
export function makeWindows(
  features: readonly ArrayLike<number>[],
  target: ArrayLike<number>,
  options: WindowOptions,
): Windows {
  const { timeSteps } = options;
  const horizon = options.horizon ?? 1;
  const F = features.length;
  const positions = targetPositions(target.length, options);
  const n = positions.length;
  const x = new Float32Array(n * timeSteps * F);
  const y = new Float32Array(n * horizon);
  for (let s = 0; s < n; s++) {
    const p = positions[s];
    for (let t = 0; t < timeSteps; t++) {
      const row = p - timeSteps + t;
      for (let f = 0; f < F; f++) x[(s * timeSteps + t) * F + f] = features[f][row];
    }
    for (let h = 0; h < horizon; h++) y[s * horizon + h] = target[p + h];
  }
  return { x, y, targetIndex: positions, samples: n, timeSteps, features: F, horizon };
}

/** Keep samples [from, to) of a set of windows: copies, or views sharing its buffers (`share`, for reading only). */
export function sliceWindows(w: Windows, from: number, to: number, { share = false } = {}): Windows {
  const stepX = w.timeSteps * w.features;
  const part = (values: Float32Array, start: number, end: number) => (share ? values.subarray(start, end) : values.slice(start, end));
  return {
    ...w,
    x: part(w.x, from * stepX, to * stepX),
    y: part(w.y, from * w.horizon, to * w.horizon),
    targetIndex: w.targetIndex.slice(from, to),
    samples: to - from,
  };
}
