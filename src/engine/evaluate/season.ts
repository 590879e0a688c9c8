/**
 * Season length from the autocorrelation function (ACF).
 *
 * The values are first detrended by subtracting their least-squares line: a trend makes the ACF decay
 * so steeply that its peaks slide one lag early (air passengers: 11 instead of 12). A peak is a local
 * maximum of the ACF (r[k] > r[k-1] and r[k] >= r[k+1]) at a lag k >= 2 that is above the usual
 * significance bound 2/sqrt(n); the season is the lag of the highest such peak up to maxLag.
 */

function defaultMaxLag(n: number): number {
  return Math.min(Math.floor(n / 3), 400);
}

/** Values minus their least-squares line over the row index. */
export function detrend(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const meanT = (n - 1) / 2;
  let meanY = 0;
  for (let t = 0; t < n; t++) meanY += values[t] / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - meanT) * (values[t] - meanY);
    sxx += (t - meanT) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return Float64Array.from({ length: n }, (_, t) => values[t] - meanY - slope * (t - meanT));
}

/**
 * Sample autocorrelation r[0..maxLag] (r[0] = 1), with the usual biased estimator
 * r[k] = sum_t (x_t - mean)(x_{t+k} - mean) / sum_t (x_t - mean)^2. Null for a constant series.
 */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array | null {
  const n = values.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += values[t] / n;
  let denominator = 0;
  for (let t = 0; t < n; t++) denominator += (values[t] - mean) ** 2;
  if (!(denominator > 0)) return null;
  const r = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let sum = 0;
    for (let t = 0; t + k < n; t++) sum += (values[t] - mean) * (values[t + k] - mean);
    r[k] = sum / denominator;
  }
  return r;
}

/** Relative size under which detrended values count as a straight line (no season at all). */
const STRAIGHT_LINE = 1e-12;

function sumOfSquaredDeviations(values: ArrayLike<number>): number {
  let mean = 0;
  for (let t = 0; t < values.length; t++) mean += values[t] / values.length;
  let sum = 0;
  for (let t = 0; t < values.length; t++) sum += (values[t] - mean) ** 2;
  return sum;
}

/**
 * Season length of `values` (pass the training part of the target, so the test part stays unseen):
 * the lag of the highest significant ACF peak of the detrended values, lags 2..maxLag
 * (default min(floor(n/3), 400)); null if there is none.
 */
export function detectSeasonLength(values: ArrayLike<number>, maxLag = defaultMaxLag(values.length)): number | null {
  const n = values.length;
  const lastLag = Math.min(maxLag, n - 2);
  if (lastLag < 2) return null;
  const residuals = detrend(values);
  if (sumOfSquaredDeviations(residuals) <= STRAIGHT_LINE * sumOfSquaredDeviations(values)) return null;
  const r = autocorrelation(residuals, lastLag + 1);
  if (!r) return null;
  const bound = 2 / Math.sqrt(n);
  let best: number | null = null;
  for (let k = 2; k <= lastLag; k++) {
    const isPeak = r[k] > r[k - 1] && r[k] >= r[k + 1] && r[k] > bound;
    if (isPeak && (best === null || r[k] > r[best])) best = k;
  }
  return best;
}
