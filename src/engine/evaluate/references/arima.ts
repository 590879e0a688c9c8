/**
 * (Seasonal) AutoARIMA from the `arima` package (the C library ctsa compiled to WebAssembly, so it runs in
 * Node, in Electron and in the training process without a native build): a stepwise search over
 * (p, d, q)(P, D, Q)[m] with p, q <= 5, d <= 2 (seasonal: p, q <= 3, P, Q <= 1, D <= 1), by exact maximum likelihood.
 *
 * The package's predict(h) forecasts from the series it was given with the fitted coefficients. Scoring from
 * a later origin gives it, in place of that series, the same number of most recent actual values up to
 * the origin: the coefficients stay those fitted on the training part, and only the data they are applied
 * to moves on. That relies on the package's wrapper keeping the series in its `ts` field as a byte view of
 * a Float64Array, which is why the dependency is pinned to an exact version.
 *
 * The package's own entry point builds its WebAssembly module with printf going to console.log, which would
 * put ctsa's diagnostics ("non-stationary AR part") into `train --json`'s stdout. So the module is built here
 * from the package's files with Emscripten's print and printErr options silenced, and handed to the
 * package's loader, as its index.js does.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type ArimaConstructor from 'arima';

type ArimaClass = typeof ArimaConstructor;

let arimaClass: ArimaClass | null = null;

/** The package's ARIMA class on a WebAssembly module that prints nothing. */
function loadArima(): ArimaClass {
  if (!arimaClass) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('arima'));
    const createModule = require(join(root, 'wasm', 'native-sync.js')) as (options: object) => unknown;
    const wasmBinary = require(join(root, 'wrapper', 'native.bin.js')) as Uint8Array;
    const bindClass = require(join(root, 'load.js')) as (module: unknown) => ArimaClass;
    const quiet = () => {};
    arimaClass = bindClass(createModule({ wasmBinary, print: quiet, printErr: quiet }));
  }
  return arimaClass;
}

/** Longest season fitted as seasonal ARIMA; longer seasons (and m <= 1) give a non-seasonal search. */
export const MAX_ARIMA_SEASON = 24;

/**
 * Largest orders of the seasonal search: p, q <= 3 and P, Q <= 1 (the package's defaults, 5 and 2, take
 * 4-9 s on 150-400 monthly rows here; these take 0.1-1.3 s with test errors within 5 % on the bundled series).
 */
const SEASONAL_SEARCH = { p: 3, q: 3, P: 1, Q: 1 } as const;

type ArimaModel = InstanceType<ArimaClass> & { ts: Uint8Array };

export interface ArimaFit {
  model: ArimaModel;
  /** Season of the search (0 = non-seasonal). */
  season: number;
  n: number;
}

/** Steps forecast right after fitting to check the fit. */
const PROBE_STEPS = 12;

/**
 * A fit is plausible when its forecasts are finite and the first lies within five times the largest change
 * between two consecutive training values of the last training value. (On some series the package's search
 * ends in a model whose forecasts are about 1e-309; this catches that.)
 */
function plausible(forecast: readonly number[], y: ArrayLike<number>): boolean {
  let largestStep = 0;
  for (let i = 1; i < y.length; i++) largestStep = Math.max(largestStep, Math.abs(y[i] - y[i - 1]));
  return forecast.every(Number.isFinite) && Math.abs(forecast[0] - y[y.length - 1]) <= 5 * largestStep;
}

/** True when the series is constant (ARIMA's likelihood is then degenerate). */
function isConstant(y: ArrayLike<number>): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

/** AutoARIMA on y with season m; null (with the reason) when it cannot be fitted. */
export function fitAutoArima(y: ArrayLike<number>, m: number): { fit: ArimaFit } | { reason: string } {
  if (isConstant(y)) return { reason: 'the training part is constant' };
  const season = m > 1 && m <= MAX_ARIMA_SEASON && y.length >= 3 * m ? m : 0;
  try {
    const ARIMA = loadArima();
    const orders = season ? SEASONAL_SEARCH : {};
    const model = new ARIMA({ auto: true, s: season, verbose: false, ...orders }).fit(Array.from(y)) as ArimaModel;
    const [probe] = model.predict(PROBE_STEPS);
    if (!plausible(probe, y)) {
      model.destroy();
      return {
        reason: `the arima package's AutoARIMA gave an implausible forecast on this series (${probe[0].toPrecision(4)} one step after the last training value ${y[y.length - 1].toPrecision(4)}), a known limitation of its search`,
      };
    }
    return { fit: { model, season, n: y.length } };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * forecast(origin, steps): forecasts of rows origin+1 .. origin+steps of `values` (values[0] being the first
 * row fitted on) from the fit.n actual values up to the origin (origin >= fit.n - 1).
 */
export function arimaForecaster(fit: ArimaFit, values: ArrayLike<number>): (origin: number, steps: number) => number[] {
  return (origin, steps) => {
    const from = origin + 1 - fit.n;
    if (from < 0) throw new RangeError(`ARIMA forecasts need ${fit.n} values up to the origin; origin ${origin} has ${origin + 1}.`);
    const recent = Float64Array.from({ length: fit.n }, (_, i) => values[from + i]);
    fit.model.ts = new Uint8Array(recent.buffer);
    return fit.model.predict(steps)[0];
  };
}

/** Free the model's WebAssembly memory. */
export function disposeArima(fit: ArimaFit): void {
  fit.model.destroy();
}
