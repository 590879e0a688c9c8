/**
 * Exponential smoothing (ETS) in the innovations state-space form of Hyndman, Koehler, Ord & Snyder,
 * "Forecasting with Exponential Smoothing" (2008), parametrised as R's forecast::ets is:
 *
 *   q_t   = l + phi*b (additive trend), l * b^phi (multiplicative trend), l (none)
 *   yhat_t = q_t + s_{t-m} (additive season), q_t * s_{t-m} (multiplicative season), q_t (none)
 *   l'    = q_t + alpha * (p_t - q_t),        p_t = y_t - s_{t-m}, y_t / s_{t-m}, or y_t
 *   b'    = phi*b + beta/alpha * (l' - l - phi*b)            (additive trend)
 *           b^phi + beta/alpha * (l'/l - b^phi)              (multiplicative trend)
 *   s'    = s_{t-m} + gamma * (y_t - q_t - s_{t-m})          (additive season)
 *           s_{t-m} + gamma * (y_t / q_t - s_{t-m})          (multiplicative season)
 *
 * The error type changes only the likelihood: additive errors e_t = y_t - yhat_t, multiplicative errors
 * e_t = (y_t - yhat_t) / yhat_t. Smoothing parameters and initial states are estimated together by
 * maximum likelihood with the downhill simplex (nelder-mead.ts), inside the "usual"
 * bounds (0.0001 <= alpha <= 0.9999, 0.0001 <= beta <= alpha, 0.0001 <= gamma <= 1 - alpha,
 * 0.8 <= phi <= 0.98). The model is chosen by AICc among the admissible combinations; like forecast::ets,
 * additive errors with a multiplicative component are left out (numerically unstable), multiplicative
 * trends are left out of the automatic choice, and multiplicative components need positive data.
 */
import { nelderMead } from './nelder-mead.js';
import { lineFit, meanOf, seasonalIndices } from './decompose.js';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'M';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  damped: boolean;
  season: SeasonType;
  /** Season length (ignored when season is 'N'). */
  m: number;
}

export interface EtsParameters {
  alpha: number;
  beta: number | null;
  gamma: number | null;
  phi: number | null;
}

/** Level, trend and the last m seasonal states (seasons[0] is the oldest: the one used next). */
export interface EtsState {
  level: number;
  trend: number;
  seasons: number[];
}

export interface EtsFit {
  spec: EtsSpec;
  params: EtsParameters;
  initial: EtsState;
  /** Log-likelihood as forecast::ets reports it: -0.5 (n log(SSE) + 2 sum log|yhat|) (see likCriterion). */
  logLik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Number of estimated parameters, the innovation variance included. */
  parameterCount: number;
  /** Observations the model was fitted on. */
  n: number;
}

/** forecast::ets's name of a model, e.g. ETS(M,Ad,M). */
export function etsName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend}${spec.damped ? 'd' : ''},${spec.season})`;
}

/** Simplex runs at most, each from the best point of the one before. */
const MAX_RESTARTS = 8;

const BOUNDS = { alpha: [1e-4, 0.9999], beta: [1e-4, 0.9999], gamma: [1e-4, 0.9999], phi: [0.8, 0.98] } as const;

function seasonLength(spec: EtsSpec): number {
  return spec.season === 'N' ? 1 : spec.m;
}

/** A state being run forward: the seasons in a ring, seasons[head] being the oldest (the one used next). */
interface RunningState {
  level: number;
  trend: number;
  seasons: Float64Array;
  head: number;
}

function running(s: EtsState): RunningState {
  return { level: s.level, trend: s.trend, seasons: Float64Array.from(s.seasons), head: 0 };
}

function snapshot(s: RunningState): EtsState {
  const m = s.seasons.length;
  return { level: s.level, trend: s.trend, seasons: Array.from({ length: m }, (_, i) => s.seasons[(s.head + i) % m]) };
}

/**
 * Advance the state by one row in place, observing y (null: no observation, so the forecast stands in for
 * it and the errors are zero). Returns the one-step forecast made before the update.
 */
function advance(spec: EtsSpec, p: EtsParameters, s: RunningState, y: number | null): number {
  const phi = spec.damped ? (p.phi as number) : 1;
  const q = spec.trend === 'N' ? s.level : spec.trend === 'A' ? s.level + phi * s.trend : s.level * Math.pow(s.trend, phi);
  const old = spec.season === 'N' ? 0 : s.seasons[s.head];
  const forecast = spec.season === 'A' ? q + old : spec.season === 'M' ? q * old : q;
  const obs = y ?? forecast;
  const deseasonalised = spec.season === 'A' ? obs - old : spec.season === 'M' ? obs / old : obs;
  const level = q + p.alpha * (deseasonalised - q);
  if (spec.trend === 'A') s.trend = phi * s.trend + ((p.beta as number) / p.alpha) * (level - s.level - phi * s.trend);
  else if (spec.trend === 'M') {
    const damped = Math.pow(s.trend, phi);
    s.trend = damped + ((p.beta as number) / p.alpha) * (level / s.level - damped);
  }
  s.level = level;
  if (spec.season !== 'N') {
    const target = spec.season === 'A' ? obs - q : obs / q;
    s.seasons[s.head] = old + (p.gamma as number) * (target - old);
    s.head = (s.head + 1) % s.seasons.length;
  }
  return forecast;
}

/** Sum of squared one-step errors and of log|forecast|; null when a multiplicative state leaves (0, inf). */
function innovations(spec: EtsSpec, p: EtsParameters, initial: EtsState, y: ArrayLike<number>): { sse: number; logForecasts: number } | null {
  const state = running(initial);
  let sse = 0;
  let logForecasts = 0;
  const multiplicative = spec.error === 'M' || spec.trend === 'M' || spec.season === 'M';
  for (let t = 0; t < y.length; t++) {
    const forecast = advance(spec, p, state, y[t]);
    if (!Number.isFinite(forecast)) return null;
    if (multiplicative && !(forecast > 0 && state.level > 0)) return null;
    const e = spec.error === 'A' ? y[t] - forecast : (y[t] - forecast) / forecast;
    sse += e * e;
    if (spec.error === 'M') logForecasts += Math.log(Math.abs(forecast));
  }
  return { sse, logForecasts };
}

/**
 * forecast::ets's likelihood criterion, n log(SSE) + 2 sum log|yhat| (the last term for multiplicative errors
 * only): minus twice the Gaussian log-likelihood with the variance concentrated out, less the constant
 * n (log(2 pi / n) + 1). AIC, AICc and BIC below use it, so they are comparable with forecast::ets's.
 */
function likCriterion(n: number, sse: number, logForecasts: number): number {
  // A perfect fit (SSE 0) counts as the smallest positive SSE rather than minus infinity.
  return n * Math.log(Math.max(sse, Number.MIN_VALUE)) + 2 * logForecasts;
}

/**
 * Starting states, as forecast::ets's heuristic does: seasonal indices from a classical decomposition of the
 * first (up to three) seasons, then level and trend from a straight line through the first ten seasonally
 * adjusted values.
 */
export function initialState(spec: EtsSpec, values: ArrayLike<number>): EtsState {
  const y = Array.from(values);
  const m = seasonLength(spec);
  let seasons: number[] = [];
  let adjusted: number[] = Array.from(y);
  if (spec.season !== 'N') {
    seasons = seasonalIndices(y.slice(0, Math.min(y.length, 3 * m)), m, spec.season === 'A' ? 'additive' : 'multiplicative');
    adjusted = Array.from(y, (v, t) => (spec.season === 'A' ? v - seasons[t % m] : v / seasons[t % m]));
  }
  const k = Math.min(10, adjusted.length);
  const { intercept, slope } = lineFit(adjusted, k);
  let level = intercept;
  let trend = 0;
  if (spec.trend === 'A') trend = slope;
  else if (spec.trend === 'M') {
    level = intercept > 0 ? intercept : meanOf(adjusted, 0, k);
    trend = level > 0 && (level + slope) / level > 0 ? (level + slope) / level : 1;
  }
  if (spec.trend === 'N') level = meanOf(adjusted, 0, k);
  // The state before row 0 holds the seasons of rows 0..m-1, oldest first.
  return { level, trend, seasons };
}

/** Parameter vector layout: alpha, [beta], [gamma], [phi], level, [trend], seasons 0..m-2 (the last one normalises). */
function pack(spec: EtsSpec, p: EtsParameters, s: EtsState): number[] {
  const x = [p.alpha];
  if (spec.trend !== 'N') x.push(p.beta as number);
  if (spec.season !== 'N') x.push(p.gamma as number);
  if (spec.damped) x.push(p.phi as number);
  x.push(s.level);
  if (spec.trend !== 'N') x.push(s.trend);
  if (spec.season !== 'N') x.push(...s.seasons.slice(0, -1));
  return x;
}

function unpack(spec: EtsSpec, x: readonly number[]): { params: EtsParameters; state: EtsState } {
  let i = 0;
  const alpha = x[i++];
  const beta = spec.trend !== 'N' ? x[i++] : null;
  const gamma = spec.season !== 'N' ? x[i++] : null;
  const phi = spec.damped ? x[i++] : null;
  const level = x[i++];
  const trend = spec.trend === 'N' ? 0 : x[i++];
  let seasons: number[] = [];
  if (spec.season !== 'N') {
    const free = x.slice(i, i + spec.m - 1);
    const sum = free.reduce((a, b) => a + b, 0);
    seasons = [...free, spec.season === 'A' ? -sum : spec.m - sum];
  }
  return { params: { alpha, beta, gamma, phi }, state: { level, trend, seasons } };
}

function withinBounds(spec: EtsSpec, p: EtsParameters, s: EtsState): boolean {
  const inside = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;
  if (!inside(p.alpha, BOUNDS.alpha)) return false;
  if (p.beta !== null && !(inside(p.beta, BOUNDS.beta) && p.beta <= p.alpha)) return false;
  if (p.gamma !== null && !(inside(p.gamma, BOUNDS.gamma) && p.gamma <= 1 - p.alpha)) return false;
  if (p.phi !== null && !inside(p.phi, BOUNDS.phi)) return false;
  if (spec.season === 'M' && s.seasons.some((v) => !(v > 0))) return false;
  if (spec.trend === 'M' && !(s.trend > 0)) return false;
  return true;
}

/** Number of free parameters of a spec (smoothing, damping, initial states), without the variance. */
export function freeParameterCount(spec: EtsSpec): number {
  const trend = spec.trend === 'N' ? 0 : 2;
  const season = spec.season === 'N' ? 0 : spec.m; // gamma + (m - 1) initial seasons
  return 2 + trend + season + (spec.damped ? 1 : 0);
}

/** Maximum-likelihood fit of one ETS model to y; null when it cannot be fitted (too few rows, no admissible start). */
export function fitEts(y: ArrayLike<number>, spec: EtsSpec): EtsFit | null {
  const n = y.length;
  const parameterCount = freeParameterCount(spec) + 1;
  if (n - parameterCount - 1 <= 0) return null;
  if (spec.season !== 'N' && n < 2 * spec.m) return null;
  const start = initialState(spec, y);
  const startParams: EtsParameters = {
    alpha: 0.2,
    beta: spec.trend === 'N' ? null : 0.02,
    gamma: spec.season === 'N' ? null : 0.01,
    phi: spec.damped ? 0.95 : null,
  };
  const objective = (x: number[]): number => {
    const { params, state } = unpack(spec, x);
    if (!withinBounds(spec, params, state)) return 1e12;
    const r = innovations(spec, params, state, y);
    if (!r) return 1e12;
    return likCriterion(n, r.sse, r.logForecasts);
  };
  const x = pack(spec, startParams, start);
  if (objective(x) >= 1e12) return null;
  // Restart the simplex from the best point while that still helps: in a dozen dimensions it often stalls early.
  let best = { x, fx: objective(x) };
  for (let round = 0; round < MAX_RESTARTS; round++) {
    const found = nelderMead(objective, best.x, { maxIterations: 200 * x.length });
    const improved = found.fx < best.fx - 0.01;
    if (found.fx < best.fx) best = { x: found.x.slice(), fx: found.fx };
    if (!improved) break;
  }
  const { params, state } = unpack(spec, best.x);
  return scoreEts(y, spec, params, state);
}

/** The fit statistics of given parameters and initial states on y; null when they are not admissible there. */
export function scoreEts(y: ArrayLike<number>, spec: EtsSpec, params: EtsParameters, initial: EtsState): EtsFit | null {
  const n = y.length;
  const r = innovations(spec, params, initial, y);
  if (!r) return null;
  const logLik = -0.5 * likCriterion(n, r.sse, r.logForecasts);
  const k = freeParameterCount(spec) + 1;
  const aic = -2 * logLik + 2 * k;
  return {
    spec,
    params,
    initial,
    logLik,
    aic,
    aicc: aic + (2 * k * (k + 1)) / (n - k - 1),
    bic: -2 * logLik + Math.log(n) * k,
    parameterCount: k,
    n,
  };
}

/** The candidate models for automatic selection on y with season m (m <= 1: no seasonal models). */
export function candidateSpecs(y: ArrayLike<number>, m: number): EtsSpec[] {
  let positive = true;
  for (let i = 0; i < y.length; i++) if (!(y[i] > 0)) positive = false;
  const specs: EtsSpec[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const)) {
    for (const [trend, damped] of [['N', false], ['A', false], ['A', true]] as const) {
      for (const season of m > 1 ? (positive ? (['N', 'A', 'M'] as const) : (['N', 'A'] as const)) : (['N'] as const)) {
        if (error === 'A' && season === 'M') continue;
        specs.push({ error, trend, damped, season, m: season === 'N' ? 1 : m });
      }
    }
  }
  return specs;
}

/** Every candidate fitted, and the one with the lowest AICc; null when none could be fitted. */
export function autoEts(y: ArrayLike<number>, m: number): { best: EtsFit; fits: EtsFit[] } | null {
  const fits = candidateSpecs(y, m)
    .map((spec) => fitEts(y, spec))
    .filter((f): f is EtsFit => f !== null && Number.isFinite(f.aicc));
  if (fits.length === 0) return null;
  const best = fits.reduce((a, b) => (b.aicc < a.aicc ? b : a));
  return { best, fits };
}

export interface EtsFilter {
  /** The state after observing values[0..origin] (origin -1: the initial state). */
  stateAfter(origin: number): EtsState;
  /** Point forecasts of rows origin+1 .. origin+steps from stateAfter(origin). */
  forecast(origin: number, steps: number): number[];
}

/**
 * The fitted model run over `values` (values[0] being the first row it was fitted on) with its parameters
 * fixed, so that forecasts can be made from any origin with the actual values up to it.
 */
export function etsFilter(fit: EtsFit, values: ArrayLike<number>): EtsFilter {
  const states: EtsState[] = [fit.initial];
  const state = running(fit.initial);
  const stateAfter = (origin: number): EtsState => {
    while (states.length <= origin + 1) {
      advance(fit.spec, fit.params, state, values[states.length - 1]);
      states.push(snapshot(state));
    }
    return states[origin + 1];
  };
  return {
    stateAfter,
    forecast(origin, steps) {
      const ahead = running(stateAfter(origin));
      return Array.from({ length: steps }, () => advance(fit.spec, fit.params, ahead, null));
    },
  };
}
