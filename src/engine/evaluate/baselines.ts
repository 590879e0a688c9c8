/**
 * Baselines on the model's own test targets (same windows, same rows), so their metrics sit beside
 * the model's: naive (last value), seasonal naive (season m), and the training mean.
 */
import type { BaselineResult, MetricSet } from '../../contract/run-result.js';
import type { EvaluationContext } from './context.js';
import { scoreTargets, testTargets, type TestTarget } from './test-targets.js';

export { detectSeasonLength } from './season.js';

/** Score a baseline that copies, for each target, the value of an earlier series row. */
function scoreCopies(ctx: EvaluationContext, targets: TestTarget[], sourceRow: (t: TestTarget) => number): MetricSet {
  const rows = targets.map(sourceRow);
  return scoreTargets(
    ctx,
    targets,
    rows.map((r) => ctx.prepared.scaled[0][r]),
    rows.map((r) => ctx.series.features[0][r]),
  );
}

function naive(ctx: EvaluationContext, targets: TestTarget[]): BaselineResult {
  return {
    name: 'naive',
    description: 'Last value: every step ahead repeats the last value of the input window.',
    test: scoreCopies(ctx, targets, (t) => t.lastInputRow),
  };
}

/** Row r - m*k with k the smallest integer that puts it inside the input window or before it. */
export function seasonalSourceRow(target: TestTarget, m: number): number {
  return target.row - m * Math.ceil((target.row - target.lastInputRow) / m);
}

function seasonalNaive(ctx: EvaluationContext, targets: TestTarget[], m: number): BaselineResult {
  const origin = ctx.config.evaluation.seasonLength === null ? 'detected from the autocorrelation of the training part' : 'as set';
  return {
    name: 'seasonal-naive',
    description: `Seasonal naive (season m = ${m}, ${origin}): every value repeats the value a whole number of seasons earlier, the latest one known at the end of the input window.`,
    test: scoreCopies(ctx, targets, (t) => seasonalSourceRow(t, m)),
  };
}

function trainingMean(values: ArrayLike<number>, splitIndex: number): number {
  let sum = 0;
  for (let i = 0; i < splitIndex; i++) sum += values[i];
  return sum / splitIndex;
}

function mean(ctx: EvaluationContext, targets: TestTarget[]): BaselineResult {
  const { splitIndex, scaled } = ctx.prepared;
  const meanOriginal = trainingMean(ctx.series.features[0], splitIndex);
  const meanScaled = trainingMean(scaled[0], splitIndex);
  return {
    name: 'mean',
    description: `Mean: every value is the mean of the training part of the target (${meanOriginal.toPrecision(6)}).`,
    test: scoreTargets(ctx, targets, targets.map(() => meanScaled), targets.map(() => meanOriginal)),
  };
}

/**
 * Naive, seasonal naive (when ctx.seasonLength is set) and mean baselines on the test targets.
 * The seasonal naive baseline is left out, with a reason pushed to `warnings`, when a season reaches
 * back before the first row of the series.
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
  return baselines;
}
