import { describe, expect, it } from 'vitest';
import { forecastProblem, planWindows, targetPositions, windowCount } from './window-plan.js';
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
});
