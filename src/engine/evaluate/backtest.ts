/**
 * Rolling-origin backtest over the test span. The test windows are split, in time order, into k
 * consecutive blocks of (almost) equal size; fold j's origin is the start of its block, and the fold is
 * scored on the trained model's predictions for the block's targets. Each window holds only values from
 * before its targets, so every prediction is a genuine out-of-sample forecast from its own origin and
 * the model (trained once on the training part) needs no refitting per fold.
 */
import type { BacktestFold } from '../../contract/run-result.js';
import type { EvaluationContext } from './context.js';
import { scoreTargets, testTargets } from './test-targets.js';

/** Sample ranges [from, to) of k consecutive blocks over `samples` windows; sizes differ by at most 1. */
export function foldBlocks(samples: number, k: number): { from: number; to: number }[] {
  return Array.from({ length: k }, (_, j) => ({ from: Math.floor((j * samples) / k), to: Math.floor(((j + 1) * samples) / k) }));
}

/**
 * config.evaluation.backtestFolds folds (0 → []), numbered from 1; start and end are the series rows of
 * a fold's first and last target. More folds than test windows are reduced to one fold per window, with
 * the reason pushed to `warnings`.
 */
export function runBacktest(ctx: EvaluationContext, warnings: string[] = []): BacktestFold[] {
  const requested = ctx.config.evaluation.backtestFolds;
  const samples = ctx.prepared.test.samples;
  const k = Math.min(requested, samples);
  if (k < requested) {
    warnings.push(`Backtest: ${requested} folds were asked for but the test span has only ${samples} windows; ran ${k} folds of one window each.`);
  }
  const targets = testTargets(ctx);
  const horizon = ctx.prepared.test.horizon;
  const { target } = ctx.prepared;
  return foldBlocks(samples, k).map(({ from, to }, j) => {
    const blockTargets = targets.slice(from * horizon, to * horizon);
    const predictedScaled = ctx.testPredictionsScaled.subarray(from * horizon, to * horizon);
    const predictedOriginal = target.windowsToOriginal(predictedScaled, horizon, (s) => blockTargets[s * horizon].lastInputRow);
    return {
      fold: j + 1,
      start: blockTargets[0].row,
      end: blockTargets[blockTargets.length - 1].row,
      metrics: scoreTargets(ctx, blockTargets, target.scaledOf(predictedOriginal, predictedScaled), predictedOriginal),
    };
  });
}
