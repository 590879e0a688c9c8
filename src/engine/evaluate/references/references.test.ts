/**
 * The references inside computeBaselines on AirPassengers (R's AirPassengers), trained on 1949-1958
 * (120 rows) and tested on 1959-1960, against R 4.2.2 with forecast 8.20 (Debian bookworm's r-cran-forecast)
 * on the same training part, tr <- window(AirPassengers, end = c(1958, 12)):
 *   thetaf(tr, h = 24)$mean and forecast(auto.arima(tr), h = 24)$mean (ARIMA(1,1,0)(0,1,0)[12]).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeBaselines } from '../baselines.js';
import { handContext, handSeries } from '../test-context.js';
import { MAX_FIT_ROWS } from './index.js';

const R_THETA = [
  341.6210432, 335.5762614, 385.4011338, 370.1312324, 371.1884413, 423.5003451, 464.3182776, 460.8888063, 408.7249116, 355.7672821,
  310.4091076, 351.4295203, 355.2124872, 348.8830949, 400.6333723, 384.7119346, 385.7629456, 440.0746152, 482.4309417, 478.8094338,
  424.5659346, 369.5114266, 322.3624746, 364.91923,
];
const R_ARIMA = [
  341.96, 319.73, 363.78, 349.77, 364.77, 436.77, 492.77, 506.77, 405.77, 360.77, 311.77, 338.77, 343.73, 321.5, 365.56, 351.54, 366.55,
  438.55, 494.55, 508.55, 407.55, 362.55, 313.55, 340.55,
];

const passengers = readFileSync(new URL('../../../../resources/datasets/air-passengers.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((row) => Number(row.split(',')[1]));

/** 12 time steps, sliding windows, split at row 120: test targets are rows 132..143 (1960). */
const config = { prep: { timeSteps: 12, windowing: 'sliding', trainFraction: 120 / 144 + 1e-9 } } as const;
const maeOf = (forecast: number[], rows: number[]) => rows.reduce((s, r) => s + Math.abs(passengers[r] - forecast[r - 120]), 0) / rows.length;

describe('statistical references on AirPassengers 1949-1958 → 1959-1960', () => {
  const warnings: string[] = [];
  const ctx = handContext(handSeries([passengers]), { config, seasonLength: 12 });
  const baselines = Object.fromEntries(computeBaselines(ctx, warnings).map((b) => [b.name, b]));
  const rows = Array.from({ length: 12 }, (_, i) => 132 + i);

  it('split and targets are as R sees them', () => {
    expect(ctx.prepared.splitIndex).toBe(120);
    expect(baselines.theta.test.count).toBe(12);
    expect(Object.keys(baselines)).toEqual(['naive', 'seasonal-naive', 'mean', 'ets', 'theta', 'arima']);
    expect(baselines.ets.kind).toBe('reference');
    expect(baselines.naive.kind).toBe('baseline');
    expect(warnings).toEqual([]);
  });

  it("Theta from the origin scores R's thetaf forecasts of 1960 (months 13-24 ahead)", () => {
    expect(baselines.theta.fromOrigin!.original.mae).toBeCloseTo(maeOf(R_THETA, rows), 2);
    expect(baselines.theta.description).toContain('multiplicative seasonal adjustment, season 12');
  });

  it("AutoARIMA from the origin is within 1 % of R's auto.arima forecasts", () => {
    const r = maeOf(R_ARIMA, rows);
    expect(Math.abs(baselines.arima.fromOrigin!.original.mae / r - 1)).toBeLessThan(0.01 + 2 / r);
    expect(baselines.arima.description).toContain('season 12');
  });

  it("ETS from the origin: the AICc choice; its ETS(M,Ad,M), R's choice, matches R's forecasts (ets.test.ts)", () => {
    expect(baselines.ets.description).toMatch(/^ETS\(M,A(d)?,M\), season 12: exponential smoothing chosen by AICc/);
    expect(baselines.ets.fromOrigin!.original.mae).toBeLessThan(baselines['seasonal-naive'].fromOrigin!.original.mae);
  });

  it('one step ahead uses the actual values up to each target: it beats forecasting from the origin', () => {
    for (const name of ['ets', 'theta', 'arima', 'naive']) expect(baselines[name].test.original.mae).toBeLessThan(baselines[name].fromOrigin!.original.mae);
    expect(baselines.mean.fromOrigin).toEqual(baselines.mean.test);
  });

  it(`fits on at most ${MAX_FIT_ROWS} training rows and says so`, () => {
    const long = Array.from({ length: 1500 }, (_, t) => 100 + 10 * Math.sin(t / 5) + (t % 7));
    const w: string[] = [];
    const longCtx = handContext(handSeries([long]), { config: { prep: { timeSteps: 5, trainFraction: 0.8 } } });
    const names = computeBaselines(longCtx, w).map((b) => b.name);
    expect(names).toContain('ets');
    expect(w).toContain(`The statistical references (ETS, Theta, ARIMA) were fitted on the last ${MAX_FIT_ROWS} of the 1200 training rows, to stay fast.`);
    expect(computeBaselines(longCtx).find((b) => b.name === 'theta')!.description).toContain('training rows 200–1199');
  });
});

describe('from the origin, on series 1..40 (split at row 20)', () => {
  it('naive repeats the last training value 20 for every target', () => {
    const counting = Array.from({ length: 40 }, (_, i) => i + 1);
    const ctx = handContext(handSeries([counting]), { config: { prep: { timeSteps: 3, trainFraction: 0.5 } } });
    const naive = computeBaselines(ctx).find((b) => b.name === 'naive')!;
    // targets 24, 27, ..., 39 against 20: errors 4, 7, ..., 19, mean 11.5
    expect(naive.fromOrigin!.original.mae).toBeCloseTo(11.5, 12);
    expect(naive.test.original.mae).toBeCloseTo(1, 12);
  });
});
