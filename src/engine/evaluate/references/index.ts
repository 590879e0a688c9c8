/**
 * Statistical references beside the network: ETS (chosen by AICc), Theta and AutoARIMA, each fitted on the
 * training part of the target only (in original units) and then able to forecast from any later origin with
 * the actual values up to that origin and the parameters fitted on the training part.
 */
import { arimaForecaster, disposeArima, fitAutoArima, MAX_ARIMA_SEASON } from './arima.js';
import { autoEts, etsFilter, etsName } from './ets.js';
import { fitTheta, thetaForecaster } from './theta.js';

/** Most recent training rows the references are fitted on; longer training parts are cut to these. */
export const MAX_FIT_ROWS = 1000;

/** Longest season the ETS and Theta references model (forecast::ets refuses seasons above 24 as well). */
export const MAX_REFERENCE_SEASON = MAX_ARIMA_SEASON;

export interface Reference {
  name: string;
  description: string;
  /** Forecasts of series rows origin+1 .. origin+steps from the actual values up to series row `origin`. */
  forecast(origin: number, steps: number): number[];
  /** Free what the reference holds outside the JavaScript heap. */
  dispose(): void;
}

/**
 * Fit the references on rows [max(0, splitIndex - MAX_FIT_ROWS), splitIndex) of `target` (the whole series in
 * original units). A reference that cannot be fitted is left out with its reason pushed to `warnings`.
 */
export function fitReferences(target: Float64Array, splitIndex: number, seasonLength: number | null, warnings: string[]): Reference[] {
  const fitStart = Math.max(0, splitIndex - MAX_FIT_ROWS);
  const train = target.subarray(fitStart, splitIndex);
  const values = target.subarray(fitStart);
  const from = (origin: number) => origin - fitStart;
  if (fitStart > 0) {
    warnings.push(`The statistical references (ETS, Theta, ARIMA) were fitted on the last ${MAX_FIT_ROWS} of the ${splitIndex} training rows, to stay fast.`);
  }
  const m = seasonLength !== null && seasonLength > 1 && seasonLength <= MAX_REFERENCE_SEASON ? seasonLength : 1;
  if (seasonLength !== null && seasonLength > MAX_REFERENCE_SEASON) {
    warnings.push(`The statistical references model no season: a season of ${seasonLength} rows is longer than the ${MAX_REFERENCE_SEASON} they handle.`);
  }
  const fitted = `fitted on training rows ${fitStart}–${splitIndex - 1}`;
  const references: Reference[] = [];

  const ets = autoEts(train, m);
  if (ets) {
    const filter = etsFilter(ets.best, values);
    const p = ets.best.params;
    const parameters = [`alpha ${p.alpha.toFixed(3)}`, p.beta !== null && `beta ${p.beta.toFixed(4)}`, p.gamma !== null && `gamma ${p.gamma.toFixed(4)}`, p.phi !== null && `phi ${p.phi.toFixed(3)}`]
      .filter(Boolean)
      .join(', ');
    references.push({
      name: 'ets',
      description: `${etsName(ets.best.spec)}${ets.best.spec.season === 'N' ? '' : `, season ${ets.best.spec.m}`}: exponential smoothing chosen by AICc (${ets.best.aicc.toFixed(1)}) among ${ets.fits.length} models, ${fitted} (${parameters}).`,
      forecast: (origin, steps) => filter.forecast(from(origin), steps),
      dispose: () => {},
    });
  } else warnings.push('No ETS reference: no exponential smoothing model could be fitted to the training part (too few rows).');

  const theta = fitTheta(train, m);
  if (theta) {
    const forecaster = thetaForecaster(theta, values);
    references.push({
      name: 'theta',
      description: `Theta method (SES with half the linear trend${theta.seasonal ? `, ${theta.seasonal.type} seasonal adjustment, season ${theta.seasonal.m}` : ''}), ${fitted} (alpha ${theta.alpha.toFixed(3)}).`,
      forecast: (origin, steps) => forecaster(from(origin), steps),
      dispose: () => {},
    });
  } else warnings.push('No Theta reference: simple exponential smoothing could not be fitted to the training part.');

  const arima = fitAutoArima(train, m);
  if ('fit' in arima) {
    const { fit } = arima;
    const forecaster = arimaForecaster(fit, values);
    references.push({
      name: 'arima',
      description: `AutoARIMA${fit.season ? ` with season ${fit.season} (SARIMA)` : ''}: stepwise search by maximum likelihood (the arima package), ${fitted}.`,
      forecast: (origin, steps) => forecaster(from(origin), steps),
      dispose: () => disposeArima(fit),
    });
  } else warnings.push(`No ARIMA reference: ${arima.reason}.`);
  return references;
}
