import { describe, expect, it } from 'vitest';
import { forecastProblem, planWindows, refitProblem, targetPositions, windowCount } from './window-plan.js';
import { RunConfigSchema } from './run-config.js';

const prep = (over: Partial<Parameters<typeof planWindows>[1]> = {}) => ({
  timeSteps: 12,
  windowing: 'tutorial' as const,
  trainFraction: 0.8,
  testSize: null,
  validationFraction: 0,
  ...over,
});

describe('window plan', () => {
  it('counts exactly the windows the engine cuts, for every length, window, stride and horizon', () => {
    for (let n = 0; n < 80; n++)
      for (const timeSteps of [1, 2, 3, 5, 12])
        for (const windowing of ['tutorial', 'sliding'] as const)
          for (const horizon of [1, 2, 7]) {
            const options = { timeSteps, windowing, horizon };
            expect(windowCount(n, options), JSON.stringify({ n, ...options })).toBe(targetPositions(n, options).length);
          }
  });

  it("gives the tutorial's 187 training and 46 test windows on 2820 sunspot months", () => {
    expect(planWindows(2820, prep())).toEqual({ rows: 2820, splitIndex: 2256, train: 187, validation: 0, test: 46, problem: null });
    expect(planWindows(2820, prep({ validationFraction: 0.2 }))).toMatchObject({ train: 150, validation: 37, test: 46 });
  });

  it("refuses shampoo's 36 rows with 12 time steps at the time-steps field, with the engine's sentence", () => {
    const plan = planWindows(36, prep({ windowing: 'sliding' }));
    expect(plan).toMatchObject({ splitIndex: 28, train: 16, test: 0 });
    expect(plan.problem?.path).toBe('prep.timeSteps');
    expect(plan.problem?.message).toBe(
      'Too few rows for the window: 36 rows split at 80% give 16 training and 0 test windows of 12 time steps; this needs at least 61 rows. Use fewer time steps or more data.',
    );
    expect(planWindows(36, prep({ windowing: 'sliding', timeSteps: 3 })).problem).toBeNull();
  });

  it('names the test size when the test part is too short, and the validation fraction when it takes every window', () => {
    expect(planWindows(144, prep({ testSize: 12 })).problem?.path).toBe('prep.testSize');
    const plan = planWindows(30, prep({ trainFraction: 0.5, validationFraction: 0.5 }));
    expect(plan.problem).toEqual({ path: 'prep.validationFraction', message: 'The validation fraction 0.5 leaves no training windows out of 1; lower it.' });
  });

  it('refuses a forecast longer than the output when extra input columns are unknown in the future', () => {
    const config = RunConfigSchema.parse({ data: { path: 'x.csv', inputColumns: ['DEWP'] }, evaluation: { forecastSteps: 24 } });
    expect(forecastProblem(config)?.path).toBe('evaluation.forecastSteps');
    expect(forecastProblem(config)?.message).toMatch(/^at most 1 with extra input columns \(DEWP\): .*unknown\./);
    expect(forecastProblem({ ...config, model: { ...config.model, outputUnits: 24 } })).toBeNull();
    expect(forecastProblem({ ...config, data: { ...config.data, inputColumns: [] } })).toBeNull();
  });

  it('does not refuse calendar features, which are known in the future, but still refuses other columns beside them', () => {
    const calendarOnly = RunConfigSchema.parse({ data: { path: 'x.csv', calendarFeatures: ['month', 'dayOfWeek'] }, evaluation: { forecastSteps: 24 } });
    expect(forecastProblem(calendarOnly)).toBeNull();
    const both = RunConfigSchema.parse({ data: { path: 'x.csv', inputColumns: ['DEWP'], calendarFeatures: ['hour'] }, evaluation: { forecastSteps: 24 } });
    expect(forecastProblem(both)?.message).toMatch(/^at most 1 with extra input columns \(DEWP\): /);
  });

  it('refuses refit origins that leave too few rows before the first origin at the refit origins field, with the engine\'s sentence', () => {
    const refit = (origins: number, horizon: number, over: Record<string, unknown> = {}) =>
      RunConfigSchema.parse({ data: { path: 'x.csv' }, prep: { timeSteps: 12, windowing: 'sliding', ...over }, evaluation: { refit: { origins, horizon } } });
    // air-passengers: 144 rows; 20 origins of 6 leave 24 before the first, 2 * (12 + 1) = 26 are needed.
    expect(refitProblem(144, refit(20, 6))).toEqual({
      path: 'evaluation.refit.origins',
      message: "The refit backtest's 20 origins of 6 steps leave 24 rows before the first origin; it needs at least 26. Use fewer origins, a shorter horizon or fewer time steps.",
    });
    expect(refitProblem(144, refit(19, 6))).toBeNull(); // 30 rows
    expect(refitProblem(26 + 3, refit(3, 1))).toBeNull(); // exactly 26
    expect(refitProblem(25 + 3, refit(3, 1))?.message).toMatch(/leave 25 rows before the first origin; it needs at least 26\./);
    // Differencing uses up rows at the start of every fold too; more origins than rows never say "leave -6 rows".
    expect(refitProblem(144, refit(19, 6, { difference: [1, 12] }))?.message).toMatch(/leave 30 rows before the first origin; it needs at least 39 \(differencing uses up the first 13\)\./);
    expect(refitProblem(10, refit(5, 4))?.message).toMatch(/leave 0 rows before the first origin/);
    // Rows not known yet (no file read): nothing to say about them.
    expect(refitProblem(null, refit(20, 6))).toBeNull();
    expect(refitProblem(10, RunConfigSchema.parse({ data: { path: 'x.csv' } }))).toBeNull();
  });

  it('refuses a refit backtest with input columns unknown after each origin, but not with calendar features', () => {
    const inputs = RunConfigSchema.parse({ data: { path: 'x.csv', inputColumns: ['DEWP', 'TEMP'] }, evaluation: { refit: { origins: 3, horizon: 6 } } });
    expect(refitProblem(null, inputs)).toEqual({
      path: 'evaluation.refit.origins',
      message:
        'A refit backtest forecasts 6 step(s) from each origin with no actual after it, which needs future values of the input columns (DEWP, TEMP), and they are unknown; remove the input columns or set the refit origins to 0.',
    });
    const calendar = RunConfigSchema.parse({ data: { path: 'x.csv', calendarFeatures: ['month'] }, evaluation: { refit: { origins: 3, horizon: 6 } } });
    expect(refitProblem(144, calendar)).toBeNull();
    // A horizon the head gives in one prediction reads the inputs up to each origin only.
    expect(refitProblem(144, { ...inputs, model: { ...inputs.model, outputUnits: 6 } })).toBeNull();
  });
});
