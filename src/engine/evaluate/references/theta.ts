/**
 * The Theta method of Assimakopoulos & Nikolopoulos (2000) in the form of Hyndman & Billah (2003), as R's
 * forecast::thetaf computes it: simple exponential smoothing (ETS(A,N,N), maximum likelihood) plus half the
 * slope b of the least-squares line through the data, forecast h = SES + b/2 * (h - 1 + (1 - (1 - alpha)^n) / alpha).
 * When the season m > 1 passes thetaf's test (|r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n), n > 2m) the
 * data is first divided by the indices of a multiplicative classical decomposition (additive where a value is
 * not positive) and the forecasts multiplied back.
 *
 * From a later origin (one-step-ahead scoring) the fitted alpha, slope and seasonal indices stay fixed, the
 * SES level is updated with the actual values up to the origin, and n counts them.
 */
import { autocorrelation } from '../season.js';
import { lineFit, seasonalIndices, type DecompositionType } from './decompose.js';
import { etsFilter, fitEts, type EtsFit } from './ets.js';

export interface ThetaFit {
  ses: EtsFit;
  alpha: number;
  /** Half the least-squares slope of the (seasonally adjusted) data. */
  drift: number;
  /** Seasonal indices by row % m, or null when not seasonal. */
  seasonal: { m: number; type: DecompositionType; indices: number[] } | null;
  /** Observations fitted on. */
  n: number;
}

/** thetaf's seasonality test at the 90 % two-sided (95 % one-sided) level. */
export function thetaSeasonal(y: ArrayLike<number>, m: number): boolean {
  const n = y.length;
  if (m <= 1 || n <= 2 * m) return false;
  const r = autocorrelation(y, m);
  if (!r) return false;
  let sum = 0;
  for (let k = 1; k < m; k++) sum += r[k] ** 2;
  const stat = Math.sqrt((1 + 2 * sum) / n);
  return Math.abs(r[m]) / stat > 1.6448536269514722;
}

function adjust(seasonal: ThetaFit['seasonal'], value: number, row: number): number {
  if (!seasonal) return value;
  const s = seasonal.indices[row % seasonal.m];
  return seasonal.type === 'multiplicative' ? value / s : value - s;
}

function reseason(seasonal: ThetaFit['seasonal'], value: number, row: number): number {
  if (!seasonal) return value;
  const s = seasonal.indices[row % seasonal.m];
  return seasonal.type === 'multiplicative' ? value * s : value + s;
}

/** Theta fitted on y with season m (1 = none); null when SES cannot be fitted. */
export function fitTheta(y: ArrayLike<number>, m: number): ThetaFit | null {
  const n = y.length;
  let seasonal: ThetaFit['seasonal'] = null;
  if (thetaSeasonal(y, m)) {
    let positive = true;
    for (let i = 0; i < n; i++) if (!(y[i] > 0)) positive = false;
    const type: DecompositionType = positive ? 'multiplicative' : 'additive';
    seasonal = { m, type, indices: seasonalIndices(y, m, type) };
  }
  const adjusted = Array.from(y, (v, t) => adjust(seasonal, v, t));
  const ses = fitEts(adjusted, { error: 'A', trend: 'N', damped: false, season: 'N', m: 1 });
  if (!ses) return null;
  return { ses, alpha: Math.max(1e-10, ses.params.alpha), drift: lineFit(adjusted).slope / 2, seasonal, n };
}

/**
 * forecast(origin, steps): Theta's forecasts of rows origin+1 .. origin+steps of `values` (values[0] being the
 * first row fitted on), from the actual values up to the origin.
 */
export function thetaForecaster(fit: ThetaFit, values: ArrayLike<number>): (origin: number, steps: number) => number[] {
  const adjusted = Array.from(values, (v, t) => adjust(fit.seasonal, v, t));
  const ses = etsFilter(fit.ses, adjusted);
  return (origin, steps) => {
    const observed = origin + 1;
    const start = (1 - (1 - fit.alpha) ** observed) / fit.alpha;
    return ses.forecast(origin, steps).map((level, h) => reseason(fit.seasonal, level + fit.drift * (h + start), origin + 1 + h));
  };
}
