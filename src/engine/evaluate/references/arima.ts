/**
 * (Seasonal) AutoARIMA from the `arima` package (the C library ctsa compiled to WebAssembly, so it runs in
 * Node, in Electron and in the training process without a native build): a stepwise search over
 * (p, d, q)(P, D, Q)[m] with p, q <= 5, d <= 2, P, Q <= 2, D <= 1, by exact maximum likelihood.
 *
 * The package's predict(h) forecasts from the series it was given with the fitted coefficients. Scoring from
 * a later origin gives it, in place of that series, the same number of most recent actual values up to
 * the origin: the coefficients stay those fitted on the training part, and only the data they are applied
 * to moves on. That relies on the package's wrapper keeping the series in its `ts` field as a byte view of
 * a Float64Array, which is why the dependency is pinned to an exact version.
 */
import ARIMA from 'arima';

/** Longest season fitted as seasonal ARIMA; longer seasons (and m <= 1) give a non-seasonal search. */
export const MAX_ARIMA_SEASON = 24;

type ArimaModel = InstanceType<typeof ARIMA> & { ts: Uint8Array };

export interface ArimaFit {
  model: ArimaModel;
  /** Season of the search (0 = non-seasonal). */
  season: number;
  n: number;
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
    const model = new ARIMA({ auto: true, s: season, verbose: false }).fit(Array.from(y)) as ArimaModel;
    const [probe] = model.predict(1);
    if (!Number.isFinite(probe[0])) {
      model.destroy();
      return { reason: 'the fit gave no finite forecast' };
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
