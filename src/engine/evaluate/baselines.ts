/**
 * Baselines on the model's own test targets (same windows, same rows), so their metrics sit beside
 * the model's: naive (last value), seasonal naive (season m), the training mean, and the statistical
 * references (ETS, Theta, ARIMA) fitted on the training part.
 *
 * Each is scored under two protocols: one-step-ahead (`test`: every target forecast from the actual values
 * up to the end of its input window, as the model's test predictions are) and from the origin
 * (`fromOrigin`: every target forecast from the end of the training part, using no test actuals).
 */
import type { BaselineResult, MetricSet } from '../../contract/run-result.js';
import type { EvaluationContext } from './context.js';
import { fitReferencesOnce } from './references/fit-once.js';
import type { Reference } from './references/index.js';
import { calendarSeasons, seasonFromTime } from './season.js';
import { scoreTargets, testTargets, type TestTarget } from './test-targets.js';

export { detectSeasonLength } from './season.js';

/** Score a baseline that copies, for each target, the value of an earlier series row. */
function scoreCopies(ctx: EvaluationContext, targets: TestTarget[], sourceRow: (t: TestTarget) => number): MetricSet {
  const rows = targets.map(sourceRow);
  return scoreTargets(
    ctx,
    targets,
    rows.map((r) => ctx.prepared.target.scaled[r]),
    rows.map((r) => ctx.series.features[0][r]),
  );
}

/** The same targets seen from the end of the training part: the last input row is the last training row. */
export function fromOriginTargets(ctx: Pick<EvaluationContext, 'prepared'>, targets: readonly TestTarget[]): TestTarget[] {
  return targets.map((t) => ({ row: t.row, lastInputRow: ctx.prepared.splitIndex - 1 }));
}

function naive(ctx: EvaluationContext, targets: TestTarget[]): BaselineResult {
  return {
    name: 'naive',
    description: 'Last value: every step ahead repeats the last value of the input window.',
    test: scoreCopies(ctx, targets, (t) => t.lastInputRow),
    testPredicted: targets.map((t) => ctx.series.features[0][t.lastInputRow]),
    kind: 'baseline',
    fromOrigin: scoreCopies(ctx, fromOriginTargets(ctx, targets), (t) => t.lastInputRow),
  };
}

/** Row r - m*k with k the smallest integer that puts it inside the input window or before it. */
export function seasonalSourceRow(target: TestTarget, m: number): number {
  return target.row - m * Math.ceil((target.row - target.lastInputRow) / m);
}

function seasonalNaive(ctx: EvaluationContext, targets: TestTarget[], m: number): BaselineResult {
  const calendar = seasonFromTime(ctx.series.time);
  const origin =
    ctx.config.evaluation.seasonLength !== null
      ? 'as set'
      : calendar?.m === m
        ? `detected from the ${calendar.frequency} time column; the autocorrelation of the training part shows no stronger season`
        : calendar && calendarSeasons(calendar).includes(m)
          ? `the year of the ${calendar.frequency} time column, where the autocorrelation of the training part peaks`
          : 'detected from the autocorrelation of the training part';
  const originTargets = fromOriginTargets(ctx, targets);
  return {
    name: 'seasonal-naive',
    description: `Seasonal naive (season m = ${m}, ${origin}): every value repeats the value a whole number of seasons earlier, the latest one known at the end of the input window.`,
    test: scoreCopies(ctx, targets, (t) => seasonalSourceRow(t, m)),
    testPredicted: targets.map((t) => ctx.series.features[0][seasonalSourceRow(t, m)]),
    kind: 'baseline',
    fromOrigin: originTargets.every((t) => seasonalSourceRow(t, m) >= 0) ? scoreCopies(ctx, originTargets, (t) => seasonalSourceRow(t, m)) : null,
  };
}

function trainingMean(values: ArrayLike<number>, splitIndex: number): number {
  let sum = 0;
  for (let i = 0; i < splitIndex; i++) sum += values[i];
  return sum / splitIndex;
}

function mean(ctx: EvaluationContext, targets: TestTarget[]): BaselineResult {
  const { splitIndex, target } = ctx.prepared;
  const meanOriginal = trainingMean(ctx.series.features[0], splitIndex);
  const meanScaled = trainingMean(target.scaled, splitIndex);
  const test = scoreTargets(ctx, targets, targets.map(() => meanScaled), targets.map(() => meanOriginal));
  return {
    name: 'mean',
    description: `Mean: every value is the mean of the training part of the target (${meanOriginal.toPrecision(6)}).`,
    test,
    testPredicted: targets.map(() => meanOriginal),
    kind: 'baseline',
    fromOrigin: test,
  };
}

/** Forecasts (original units) of each target from its last input row, one reference call per origin. */
export function forecastTargets(forecast: Reference['forecast'], targets: readonly TestTarget[]): Float64Array {
  const out = new Float64Array(targets.length);
  const byOrigin = new Map<number, number[]>();
  targets.forEach((t, i) => {
    const group = byOrigin.get(t.lastInputRow);
    if (group) group.push(i);
    else byOrigin.set(t.lastInputRow, [i]);
  });
  for (const [origin, indices] of byOrigin) {
    const steps = indices.reduce((most, i) => Math.max(most, targets[i].row - origin), 0);
    const values = forecast(origin, steps);
    for (const i of indices) out[i] = values[targets[i].row - origin - 1];
  }
  return out;
}

function scoreForecasts(ctx: EvaluationContext, targets: readonly TestTarget[], original: Float64Array): MetricSet {
  return scoreTargets(ctx, targets, ctx.prepared.target.reportScaler.transform(original, 0), original);
}

/** A reference scored under both protocols; null (reason in `warnings`) when its forecasts are not all finite. */
function scoreReference(ctx: EvaluationContext, targets: TestTarget[], reference: Reference, warnings: string[]): BaselineResult | null {
  const oneStep = forecastTargets(reference.forecast, targets);
  const originTargets = fromOriginTargets(ctx, targets);
  const fromOrigin = forecastTargets(reference.forecast, originTargets);
  if (![...oneStep, ...fromOrigin].every(Number.isFinite)) {
    warnings.push(`The ${reference.name} reference is left out: some of its forecasts are not finite numbers.`);
    return null;
  }
  return {
    name: reference.name,
    description: reference.description,
    test: scoreForecasts(ctx, targets, oneStep),
    testPredicted: Array.from(oneStep),
    kind: 'reference',
    fromOrigin: scoreForecasts(ctx, originTargets, fromOrigin),
  };
}

/** ETS, Theta and ARIMA fitted on the training part of the target, scored on the test targets. */
export function computeReferences(ctx: EvaluationContext, targets: TestTarget[], warnings: string[]): BaselineResult[] {
  // Fitted once per process for the same data and split (references/fit-once.ts), which owns and disposes them.
  const references = fitReferencesOnce(ctx.series.features[0], ctx.prepared.splitIndex, ctx.seasonLength, warnings);
  return references.map((r) => scoreReference(ctx, targets, r, warnings)).filter((r): r is BaselineResult => r !== null);
}

/**
 * Naive, seasonal naive (when ctx.seasonLength is set) and mean baselines on the test targets, then the
 * statistical references. The seasonal naive baseline is left out, with a reason pushed to `warnings`, when
 * a season reaches back before the first row of the series.
 */
export function computeBaselines(ctx: EvaluationContext, warnings: string[] = []): BaselineResult[] {
  const targets = testTargets(ctx);
  const baselines = [naive(ctx, targets)];
  const m = ctx.seasonLength;
  if (m !== null) {
    if (targets.every((t) => seasonalSourceRow(t, m) >= 0)) baselines.push(seasonalNaive(ctx, targets, m));
    else warnings.push(`No seasonal naive baseline: a season of ${m} rows reaches back before the first row of the series for some test targets.`);
  }
  baselines.push(mean(ctx, targets));
  baselines.push(...computeReferences(ctx, targets, warnings));
  return baselines;
}
