/**
 * ETS against R's forecast::ets on AirPassengers (resources/datasets/air-passengers.csv = R's AirPassengers).
 *
 * Reference figures: R 4.2.2 with forecast 8.20 (Debian bookworm's r-base-core and r-cran-forecast),
 * `ets(AirPassengers)`, printed with options(digits = 12). They agree with the output printed in
 * Hyndman's forecast documentation for the same call: ETS(M,Ad,M), alpha 0.7096, beta 0.0204, gamma 1e-04,
 * phi 0.98, AIC 1395.166.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoEts, candidateSpecs, etsFilter, etsName, fitEts, scoreEts, type EtsSpec } from './ets.js';

const airPassengers = readFileSync(new URL('../../../../resources/datasets/air-passengers.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((row) => Number(row.split(',')[1]));

const MADM: EtsSpec = { error: 'M', trend: 'A', damped: true, season: 'M', m: 12 };

/** R's estimate: fit$par. R lists the seasons newest first (s0 = December ... s10 = February; January normalises). */
const R_FIT = {
  params: { alpha: 0.709551916209, beta: 0.0204089193322, gamma: 0.000100468309719, phi: 0.979999926684 },
  level: 120.993935507,
  trend: 1.77054019711,
  seasonsNewestFirst: [
    0.894447475689, 0.799322028291, 0.921659598397, 1.05920192984, 1.22030069724, 1.23179850717, 1.11050018095, 0.97861276076,
    0.980382073472, 1.01103008804, 0.886892287223,
  ],
  logLik: -679.583216237,
  aic: 1395.16643247,
  aicc: 1400.63843247,
  bic: 1448.62307187,
  /** as.numeric(tail(fit$states, 1)): level, trend, seasons newest first. */
  lastState: [
    485.912552397076, 1.801197508814, 0.894455850815, 0.799326945177, 0.921666490324, 1.059206441705, 1.220309199218, 1.231806040552,
    1.110502899836, 0.978619454442, 0.980388504178, 1.011036556534, 0.886899515741, 0.90586301363,
  ],
  /** forecast(ets(AirPassengers), h = 12)$mean, January to December 1961. */
  forecast: [441.8, 434.12, 496.63, 483.24, 483.99, 551.02, 613.18, 609.36, 530.54, 463.03, 402.75, 451.97],
};

function rInitialState() {
  const free = [...R_FIT.seasonsNewestFirst].reverse(); // February .. December
  const january = 12 - free.reduce((a, b) => a + b, 0);
  return { level: R_FIT.level, trend: R_FIT.trend, seasons: [january, ...free] };
}

describe('ETS state space (against R forecast::ets on AirPassengers)', () => {
  it("R's ETS(M,Ad,M) estimate has R's log-likelihood, AIC, AICc and BIC here", () => {
    const scored = scoreEts(airPassengers, MADM, R_FIT.params, rInitialState())!;
    expect(scored.parameterCount).toBe(18);
    expect(scored.logLik).toBeCloseTo(R_FIT.logLik, 3);
    expect(scored.aic).toBeCloseTo(R_FIT.aic, 3);
    expect(scored.aicc).toBeCloseTo(R_FIT.aicc, 3);
    expect(scored.bic).toBeCloseTo(R_FIT.bic, 3);
  });

  it("R's estimate, run over the series, ends in R's final state (tail(fit$states, 1)) and forecasts R's 1961 values", () => {
    const fit = scoreEts(airPassengers, MADM, R_FIT.params, rInitialState())!;
    const filter = etsFilter(fit, airPassengers);
    const last = filter.stateAfter(airPassengers.length - 1);
    expect(last.level).toBeCloseTo(R_FIT.lastState[0], 4);
    expect(last.trend).toBeCloseTo(R_FIT.lastState[1], 6);
    // R's states newest first: December 1960 first, January 1960 last.
    expect(last.seasons.map((v) => +v.toFixed(6))).toEqual(R_FIT.lastState.slice(2).reverse().map((v) => +v.toFixed(6)));
    // R's forecast.ets mean differs from the zero-error recursion on these states by less than 0.1 %.
    filter.forecast(airPassengers.length - 1, 12).forEach((v, h) => expect(Math.abs(v / R_FIT.forecast[h] - 1)).toBeLessThan(1e-3));
  });

  it('fitting ETS(M,Ad,M) here reaches a likelihood at least as high as R, with seasons within 0.01 of R', () => {
    const fit = fitEts(airPassengers, MADM)!;
    expect(fit.aic).toBeLessThanOrEqual(R_FIT.aic + 0.01);
    const rSeasons = rInitialState().seasons;
    fit.initial.seasons.forEach((s, i) => expect(Math.abs(s - rSeasons[i])).toBeLessThan(0.01));
  });

  it('selects a multiplicative-error, multiplicative-season model by AICc, and forecasts 1961 within 2 % of R', () => {
    const { best, fits } = autoEts(airPassengers, 12)!;
    expect(fits.length).toBe(candidateSpecs(airPassengers, 12).length);
    // R picks ETS(M,Ad,M) at AICc 1400.64; its own ETS(M,A,M) fit stops at AIC 1398.81 (ets(AirPassengers, "MAM")),
    // where this simplex finds a higher likelihood, so here ETS(M,A,M) can win. Both are M error, M season.
    expect(best.spec.error).toBe('M');
    expect(best.spec.season).toBe('M');
    expect(best.aicc).toBeLessThanOrEqual(R_FIT.aicc + 0.01);
    for (const fit of fits) expect(fit.aicc).toBeGreaterThanOrEqual(best.aicc);
    const forecast = etsFilter(best, airPassengers).forecast(airPassengers.length - 1, 12);
    forecast.forEach((v, h) => expect(Math.abs(v / R_FIT.forecast[h] - 1)).toBeLessThan(0.02));
    expect(etsName(best.spec)).toMatch(/^ETS\(M,A(d)?,M\)$/);
  });

  it("on 1949-1958 alone, ETS(M,Ad,M) reaches R's AICc or better and forecasts 1959-1960 within 1 % of R", () => {
    // R: tr <- window(AirPassengers, end = c(1958, 12)); fit <- ets(tr) → ETS(M,Ad,M), AICc 1117.22204162;
    // forecast(fit, h = 24)$mean:
    const rForecast = [
      345.48, 342.02, 391.69, 376.66, 375.24, 427.31, 469.33, 466.12, 409.14, 356.2, 309.28, 349.28, 354.07, 350.33, 400.99, 385.4, 383.75,
      436.78, 479.49, 475.98, 417.6, 363.4, 315.39, 356.02,
    ];
    const train = airPassengers.slice(0, 120);
    const fit = fitEts(train, MADM)!;
    expect(fit.aicc).toBeLessThanOrEqual(1117.22204162 + 0.01);
    etsFilter(fit, train)
      .forecast(119, 24)
      .forEach((v, h) => expect(Math.abs(v / rForecast[h] - 1)).toBeLessThan(0.01));
  });

  it('leaves out multiplicative components on data that is not positive, and additive error with a multiplicative season', () => {
    const specs = candidateSpecs([1, -2, 3, 4], 4);
    expect(specs.every((s) => s.error === 'A' && s.season !== 'M')).toBe(true);
    expect(candidateSpecs(airPassengers, 12).some((s) => s.error === 'A' && s.season === 'M')).toBe(false);
    expect(candidateSpecs(airPassengers, 1).every((s) => s.season === 'N')).toBe(true);
  });

  it('simple exponential smoothing with fixed alpha runs the textbook recursion', () => {
    // ETS(A,N,N), alpha 0.5, l0 10: levels 10 -> 11 -> 10.5 -> 12.25; every forecast is the last level.
    const spec: EtsSpec = { error: 'A', trend: 'N', damped: false, season: 'N', m: 1 };
    const values = [12, 10, 14];
    const fit = scoreEts(values, spec, { alpha: 0.5, beta: null, gamma: null, phi: null }, { level: 10, trend: 0, seasons: [] })!;
    const filter = etsFilter(fit, values);
    expect(filter.forecast(-1, 1)).toEqual([10]);
    expect(filter.forecast(0, 1)).toEqual([11]);
    expect(filter.forecast(2, 3)).toEqual([12.25, 12.25, 12.25]);
    // SSE = 2^2 + 1^2 + 3.5^2 = 17.25; forecast::ets's criterion n log(SSE) = -2 logLik.
    expect(fit.logLik).toBeCloseTo(-0.5 * 3 * Math.log(17.25), 12);
  });
});
