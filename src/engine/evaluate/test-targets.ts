/**
 * Targets and scores: the series rows a set of windows predicts, in the order of the predictions
 * ([sample][step]), the prediction rows of a part, and the MetricSet of any forecast of those rows. The one
 * path that the model's splits (run evaluation and bundle predict), the baselines and the backtest folds share.
 */
import type { MetricSet, PredictionRow } from '../../contract/run-result.js';
import type { PreparedData } from '../data/prepare.js';
import type { SeriesData } from '../data/series.js';
import type { Windows } from '../data/windows.js';
import type { EvaluationContext } from './context.js';
import { metricSet } from './metrics.js';

export interface TestTarget {
  /** Series row of the target value: offset + targetIndex[s] + h. */
  row: number;
  /** Series row of the last value of the sample's input window. */
  lastInputRow: number;
}

/** What scoring reads: the target in both units (prepared.target), and the MASE scales. */
export interface ScoringBasis {
  prepared: Pick<PreparedData, 'target'>;
  series: Pick<SeriesData, 'features' | 'time'>;
  scale: EvaluationContext['scale'];
}

/** Targets of windows cut from the part of the series that starts at row `offset`. */
export function windowTargets(w: Pick<Windows, 'targetIndex' | 'horizon'>, offset: number): TestTarget[] {
  const targets: TestTarget[] = [];
  for (const position of w.targetIndex) {
    const first = offset + position;
    for (let h = 0; h < w.horizon; h++) targets.push({ row: first + h, lastInputRow: first - 1 });
  }
  return targets;
}

export function testTargets(ctx: Pick<EvaluationContext, 'prepared'>): TestTarget[] {
  return windowTargets(ctx.prepared.test, ctx.prepared.offsets.test);
}

/** MetricSet of a forecast of `targets`, given per target in scaled and original units. */
export function scoreTargets(
  ctx: ScoringBasis,
  targets: readonly TestTarget[],
  predictedScaled: ArrayLike<number>,
  predictedOriginal: ArrayLike<number>,
): MetricSet {
  const scaled = ctx.prepared.target.scaled;
  const original = ctx.series.features[0];
  return metricSet({
    actualScaled: targets.map((t) => scaled[t.row]),
    predictedScaled,
    actualOriginal: targets.map((t) => original[t.row]),
    predictedOriginal,
    scale: ctx.scale,
  });
}

export interface ScoredPart {
  rows: PredictionRow[];
  metrics: MetricSet;
}

/** The prediction rows and metrics of the model's predictions (scaled, [sample][step]) for one part. */
export function scorePart(
  ctx: ScoringBasis,
  w: Pick<Windows, 'targetIndex' | 'horizon'>,
  offset: number,
  predictedScaled: Float32Array,
  split: PredictionRow['split'],
): ScoredPart {
  const targets = windowTargets(w, offset);
  const predictedOriginal = ctx.prepared.target.windowsToOriginal(predictedScaled, w.horizon, (s) => targets[s * w.horizon].lastInputRow);
  const time = ctx.series.time;
  const actual = ctx.series.features[0];
  const rows = targets.map((t, k): PredictionRow => ({
    index: t.row,
    time: time ? time[t.row] : null,
    split,
    step: (k % w.horizon) + 1,
    actual: actual[t.row],
    predicted: predictedOriginal[k],
  }));
  return { rows, metrics: scoreTargets(ctx, targets, ctx.prepared.target.scaledOf(predictedOriginal, predictedScaled), predictedOriginal) };
}
