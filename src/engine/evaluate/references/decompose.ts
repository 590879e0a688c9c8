/**
 * The pieces of a classical decomposition that the references share: a least-squares line, and the
 * seasonal indices, as R's decompose() computes them: the trend is the centred
 * moving average of order m (2 x m for an even m), each value is divided by (multiplicative) or reduced by
 * (additive) the trend, the results are averaged by position in the season, and the averages are normalised
 * to mean 1 (multiplicative) or 0 (additive). Index i belongs to the rows t with t % m = i.
 */
export type DecompositionType = 'additive' | 'multiplicative';

/** Mean of values[from, to). */
export function meanOf(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  return sum / (to - from);
}

/** Least-squares intercept and slope of the first k values over the row index 0..k-1. */
export function lineFit(values: ArrayLike<number>, k = values.length): { intercept: number; slope: number } {
  const meanT = (k - 1) / 2;
  const meanY = meanOf(values, 0, k);
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < k; t++) {
    sxy += (t - meanT) * (values[t] - meanY);
    sxx += (t - meanT) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: meanY - slope * meanT, slope };
}

/** Centred moving average at row t (needs m/2 rows on either side). */
export function centredAverage(values: ArrayLike<number>, t: number, m: number): number {
  const half = Math.floor(m / 2);
  if (m % 2 === 1) return meanOf(values, t - half, t + half + 1);
  return (meanOf(values, t - half, t + half) + meanOf(values, t - half + 1, t + half + 1)) / 2;
}

/** m seasonal indices of values (at least m + 1 of them for an even m, m for an odd one). */
export function seasonalIndices(values: ArrayLike<number>, m: number, type: DecompositionType): number[] {
  const half = Math.floor(m / 2);
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = half; t + half < values.length; t++) {
    const trend = centredAverage(values, t, m);
    sums[t % m] += type === 'additive' ? values[t] - trend : values[t] / trend;
    counts[t % m]++;
  }
  const neutral = type === 'additive' ? 0 : 1;
  const figure = sums.map((s, i) => (counts[i] ? s / counts[i] : neutral));
  const centre = meanOf(figure, 0, m);
  return figure.map((s) => (type === 'additive' ? s - centre : s / centre));
}
