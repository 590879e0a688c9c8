/**
 * The run's verdict: the network's test RMSE (original units) against the single best of the baselines
 * (naive, seasonal naive, mean) and the statistical references (ETS, Theta, ARIMA), under each protocol, and
 * the sentence that says it. The label of each forecaster ("arima (reference)", "naive") is the one the CLI
 * table and the results page use.
 */
import type { BaselineResult, MetricSet, ProtocolVerdict, RunVerdict } from '../../contract/run-result.js';

/** How a baseline or reference is named to people: references carry "(reference)". */
export function forecasterLabel(b: Pick<BaselineResult, 'name' | 'kind'>): string {
  return b.kind === 'reference' ? `${b.name} (reference)` : b.name;
}

function protocolVerdict(modelRmse: number | undefined, scored: Array<{ baseline: BaselineResult; rmse: number }>): ProtocolVerdict | null {
  const finite = scored.filter((s) => Number.isFinite(s.rmse));
  if (modelRmse === undefined || !Number.isFinite(modelRmse) || finite.length === 0) return null;
  const best = finite.reduce((a, b) => (b.rmse < a.rmse ? b : a));
  return { best: best.baseline.name, kind: best.baseline.kind ?? 'baseline', bestRmse: best.rmse, modelRmse, beatsBest: modelRmse < best.rmse };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3));

function sentence(v: ProtocolVerdict, protocol: string): string {
  const who = forecasterLabel({ name: v.best, kind: v.kind });
  const change = Math.abs(v.modelRmse / v.bestRmse - 1) * 100;
  return v.beatsBest
    ? `${protocol}, the network beats the best baseline or reference, ${who}: test RMSE ${fmt(v.modelRmse)} vs ${fmt(v.bestRmse)} (${change.toFixed(0)} % lower).`
    : `${protocol}, the network does not beat the best baseline or reference, ${who}: test RMSE ${fmt(v.modelRmse)} vs ${fmt(v.bestRmse)} (${change.toFixed(0)} % higher).`;
}

/** The verdict of a run; null without baselines (or without a finite network RMSE). */
export function runVerdict(metrics: { test: MetricSet; testFromOrigin?: MetricSet | null }, baselines: readonly BaselineResult[]): RunVerdict | null {
  const oneStep = protocolVerdict(metrics.test.original.rmse, baselines.map((b) => ({ baseline: b, rmse: b.test.original.rmse })));
  if (!oneStep) return null;
  const fromOrigin = protocolVerdict(
    metrics.testFromOrigin?.original.rmse,
    baselines.flatMap((b) => (b.fromOrigin ? [{ baseline: b, rmse: b.fromOrigin.original.rmse }] : [])),
  );
  const text = [sentence(oneStep, 'One step ahead'), ...(fromOrigin ? [sentence(fromOrigin, 'From the origin')] : [])].join(' ');
  return { oneStep, fromOrigin, text };
}
