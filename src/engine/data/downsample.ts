/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): thin a long series to `threshold` points that keep
 * its visual shape, for plotting. The points are (row index, value); the first and last rows are always
 * kept, and each bucket in between contributes the row that forms the largest triangle with the row kept
 * from the previous bucket and the average of the next bucket (so spikes survive). One pass, O(n).
 */

/**
 * The row indices LTTB keeps from `values`, ascending. A series of at most `threshold` rows (or a threshold
 * below 3) is returned whole: 0, 1, …, n−1.
 */
export function lttbIndices(values: ArrayLike<number>, threshold: number): Int32Array {
  const n = values.length;
  const size = Math.floor(threshold);
  if (size >= n || size < 3) return Int32Array.from({ length: n }, (_, i) => i);

  const kept = new Int32Array(size);
  // The n − 2 inner rows are split into size − 2 buckets of `every` rows (fractional).
  const every = (n - 2) / (size - 2);
  let a = 0;
  kept[0] = 0;
  for (let bucket = 0; bucket < size - 2; bucket++) {
    // Average of the next bucket (the last row, for the last bucket).
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += i;
      avgY += values[i];
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;

    // The row of this bucket with the largest triangle (a, row, next average).
    const start = Math.floor(bucket * every) + 1;
    const end = Math.floor((bucket + 1) * every) + 1;
    const ax = a;
    const ay = values[a];
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      // Twice the triangle's area; the factor does not change which row wins.
      const area = Math.abs((ax - avgX) * (values[i] - ay) - (ax - i) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept[bucket + 1] = best;
    a = best;
  }
  kept[size - 1] = n - 1;
  return kept;
}
