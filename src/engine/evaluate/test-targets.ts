/**
 * The test targets as series rows, in the order of the model's test predictions ([sample][step]),
 * and scoring any forecast of them: what the model, the baselines and the backtest folds share.
 */
import type { MetricSet } from '../../contract/run-result.js';
import type { EvaluationContext } from './context.js';
import { metricSet } from './metrics.js';

export interface TestTarget {
  /** Series row of the target value: offsets.test + test.targetIndex[s] + h. */
  row: number;
  /** Series row of the last value of the sample's input window. */
  lastInputRow: number;
}

export function testTargets(ctx: Pick<EvaluationContext, 'prepared'>): TestTarget[] {
  const { test, offsets } = ctx.prepared;
  const targets: TestTarget[] = [];
  for (const position of test.targetIndex) {
    const first = offsets.test + position;
    for (let h = 0; h < test.horizon; h++) targets.push({ row: first + h, lastInputRow: first - 1 });
  }
  return targets;
}

/** MetricSet of a forecast of `targets`, given per target in scaled and original units. */
export function scoreTargets(
  ctx: EvaluationContext,
  targets: readonly TestTarget[],
  predictedScaled: ArrayLike<number>,
  predictedOriginal: ArrayLike<number>,
): MetricSet {
  const scaled = ctx.prepared.scaled[0];
  const original = ctx.series.features[0];
  return metricSet({
    actualScaled: targets.map((t) => scaled[t.row]),
    predictedScaled,
    actualOriginal: targets.map((t) => original[t.row]),
    predictedOriginal,
    scale: ctx.scale,
  });
}
