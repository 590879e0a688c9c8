/**
 * A sweep as plain data: the grid (or a random draw of it) turned into run configurations, one per point
 * and seed, and the points ranked from their runs' records. Running them is the services' job.
 */
import { InvalidInputError, parseRunConfig, RECURRENT_LAYER_TYPES, WINDOWINGS, type RunConfig } from '../../contract/run-config.js';
import type { RunRecord, SweepParameter, SweepPoint, SweepRequest, SweepStatus } from '../../contract/run-history.js';
import { randomSeed, seededRandom, shuffledIndices } from '../train/random.js';
import { spreadOf, verdictFor } from './stats.js';

/** Sweeps with more runs than this need confirmation (the UI asks; the CLI takes --yes). */
export const SWEEP_CONFIRM_LIMIT = 100;

export interface PlannedPoint {
  point: number;
  settings: Record<string, number | string>;
  /** One configuration per seed. */
  configs: RunConfig[];
}

type Value = number | string;

function numeric(parameter: SweepParameter, value: Value, integer: boolean): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InvalidInputError(`Sweep value "${value}" for ${parameter} is not ${integer ? 'a whole number' : 'a number'}.`);
  }
  return n;
}

/** Apply one setting to a configuration (before validation). */
function apply(config: RunConfig, parameter: SweepParameter, value: Value): RunConfig {
  const layers = config.model.layers.map((l) => ({ ...l }));
  switch (parameter) {
    case 'layers': {
      const n = numeric(parameter, value, true);
      return { ...config, model: { ...config.model, layers: Array.from({ length: n }, (_, i) => ({ ...(layers[i] ?? layers[0]) })) } };
    }
    case 'units':
      return { ...config, model: { ...config.model, layers: layers.map((l) => ({ ...l, units: numeric(parameter, value, true) })) } };
    case 'cell': {
      const cell = String(value);
      const type = RECURRENT_LAYER_TYPES.find((t) => t.toLowerCase() === cell.toLowerCase());
      if (!type) throw new InvalidInputError(`Sweep value "${cell}" for cell is not one of ${RECURRENT_LAYER_TYPES.join(', ')}.`);
      return { ...config, model: { ...config.model, layers: layers.map((l) => ({ ...l, type })) } };
    }
    case 'dropout':
      return { ...config, model: { ...config.model, layers: layers.map((l) => ({ ...l, dropout: numeric(parameter, value, false) })) } };
    case 'time-steps':
      return { ...config, prep: { ...config.prep, timeSteps: numeric(parameter, value, true) } };
    case 'windowing': {
      const w = WINDOWINGS.find((x) => x === String(value));
      if (!w) throw new InvalidInputError(`Sweep value "${value}" for windowing is not one of ${WINDOWINGS.join(', ')}.`);
      return { ...config, prep: { ...config.prep, windowing: w } };
    }
    case 'learning-rate':
      return { ...config, training: { ...config.training, learningRate: numeric(parameter, value, false) } };
    case 'batch-size':
      return { ...config, training: { ...config.training, batchSize: numeric(parameter, value, true) } };
    case 'epochs':
      return { ...config, training: { ...config.training, epochs: numeric(parameter, value, true) } };
  }
}

/** 'layers' first, so that cell, units and dropout then apply to every layer. */
const ORDER: SweepParameter[] = ['layers', 'cell', 'units', 'dropout', 'time-steps', 'windowing', 'learning-rate', 'batch-size', 'epochs'];

/**
 * Every point of the grid (or `random` of them, drawn with the sweep's seed), each with `repeat` seeds:
 * the base seed (drawn once when the base has none), base + 1, … — the same seeds for every point.
 * Throws InvalidInputError for a bad value, naming the point, and when the sweep needs confirmation.
 */
export function expandSweep(request: SweepRequest): { points: PlannedPoint[]; seeds: number[]; total: number } {
  const parameters = ORDER.filter((p) => request.grid[p]?.length);
  let combos: Array<Record<string, Value>> = [{}];
  for (const p of parameters) combos = combos.flatMap((c) => request.grid[p]!.map((v) => ({ ...c, [p]: v })));
  const baseSeed = request.base.training.seed ?? randomSeed();
  if (request.random !== null && request.random < combos.length) {
    const order = shuffledIndices(combos.length, seededRandom(baseSeed));
    combos = [...order.slice(0, request.random)].sort((a, b) => a - b).map((i) => combos[i]);
  }
  const seeds = Array.from({ length: request.repeat }, (_, r) => (baseSeed + r) % 2_147_483_648);
  const total = combos.length * seeds.length;
  if (total > SWEEP_CONFIRM_LIMIT && !request.confirmed) {
    throw new InvalidInputError(
      `This sweep trains ${total} runs (${combos.length} points × ${seeds.length} seed${seeds.length === 1 ? '' : 's'}), more than ${SWEEP_CONFIRM_LIMIT}: confirm it (--yes on the command line) or make the grid smaller.`,
    );
  }
  const points = combos.map((settings, point) => {
    let config = request.base;
    for (const p of parameters) config = apply(config, p, settings[p]);
    const configs = seeds.map((seed) => {
      try {
        return parseRunConfig({ ...config, training: { ...config.training, seed } });
      } catch (error) {
        const what = Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ');
        throw new InvalidInputError(`Sweep point ${what || '(base settings)'}: ${(error as Error).message}`);
      }
    });
    return { point, settings, configs };
  });
  return { points, seeds, total };
}

/** A point's medians, extremes and interquartile ranges over its finished runs. */
export function summarisePoint(planned: Pick<PlannedPoint, 'point' | 'settings'>, runIds: string[], records: RunRecord[]): SweepPoint {
  const ended = records.filter((r) => r.status !== 'running');
  const finished = records.filter((r) => r.metrics);
  const measures: SweepPoint['measures'] = {};
  for (const key of ['rmse', 'mae', 'mape', 'smape', 'mase'] as const) {
    const s = spreadOf(finished.map((r) => r.metrics!.test.original[key]));
    if (s) measures[`test ${key}`] = s;
  }
  for (const [name, get] of [
    ['test rmse (scaled)', (r: RunRecord) => r.metrics!.test.rmse],
    ['train rmse', (r: RunRecord) => r.metrics!.train.original.rmse],
    ['validation rmse', (r: RunRecord) => r.metrics!.validation?.original.rmse ?? null],
  ] as const) {
    const s = spreadOf(finished.map(get));
    if (s) measures[name] = s;
  }
  const testRmseOriginal = spreadOf(finished.map((r) => r.metrics!.test.original.rmse));
  const baselines = finished[0]?.baselines ?? [];
  return {
    point: planned.point,
    settings: planned.settings,
    runIds,
    done: ended.length,
    failures: records.filter((r) => r.status === 'failed' || r.status === 'interrupted').map((r) => r.failure?.message ?? r.status),
    validationLoss: spreadOf(finished.map((r) => r.metrics!.validation?.rmse ?? null))?.median ?? null,
    testRmse: spreadOf(finished.map((r) => r.metrics!.test.rmse)),
    testRmseOriginal,
    trainRmse: spreadOf(finished.map((r) => r.metrics!.train.rmse)),
    measures,
    verdict: verdictFor(testRmseOriginal?.median, baselines, finished.length > 1 ? 'median test RMSE' : 'test RMSE'),
  };
}

/** Points best first by the median of the chosen score; points without one last, in plan order. */
export function rankPoints(points: SweepPoint[], rankBy: SweepRequest['rankBy']): SweepPoint[] {
  const key = (p: SweepPoint) => (rankBy === 'validation' ? p.validationLoss : (p.testRmse?.median ?? null));
  return [...points].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null && kb === null) return a.point - b.point;
    if (ka === null) return 1;
    if (kb === null) return -1;
    return ka - kb || a.point - b.point;
  });
}


/** The run of the best point with the lowest ranking score (its validation or test RMSE, scaled), or null when none finished. */
function bestRunOf(best: SweepPoint | undefined, recordOf: (runId: string) => RunRecord | undefined, rankBy: SweepRequest['rankBy']): string | null {
  let bestRun: { id: string; score: number } | null = null;
  for (const id of best?.runIds ?? []) {
    const m = recordOf(id)?.metrics;
    const score = m ? (rankBy === 'validation' ? m.validation?.rmse : m.test.rmse) : undefined;
    if (typeof score === 'number' && (!bestRun || score < bestRun.score)) bestRun = { id, score };
  }
  return bestRun?.id ?? null;
}

/** What a local (services/sweep-service.ts) or queued (services/queue) sweep keeps of itself. */
export interface SweepFacts extends Pick<SweepStatus, 'sweepId' | 'state' | 'total' | 'rankBy' | 'warning'> {
  /** performance.now() at the start, and at the end (null while it runs). */
  startedAt: number;
  endedAt: number | null;
  /** The records of its runs that have been read, by run id. */
  records: Map<string, RunRecord>;
}

/** Its counts now; ended = runs that have ended whatever their end (what the time left is paced on). */
export type SweepCounts = Pick<SweepStatus, 'done' | 'failed' | 'parallel'> & { ended: number };

/** A sweep's status: its points ranked, the best run, the time so far and the time left at its pace (0 once over, null before any run ended). */
export function sweepStatus(sweep: SweepFacts, counts: SweepCounts, points: SweepPoint[]): SweepStatus {
  const { done, failed, parallel, ended } = counts;
  const ranked = rankPoints(points, sweep.rankBy);
  const elapsedSeconds = ((sweep.endedAt ?? performance.now()) - sweep.startedAt) / 1000;
  return {
    sweepId: sweep.sweepId,
    state: sweep.state,
    total: sweep.total,
    done,
    failed,
    elapsedSeconds,
    etaSeconds: sweep.endedAt !== null ? 0 : ended > 0 ? (elapsedSeconds / ended) * (sweep.total - ended) : null,
    parallel,
    rankBy: sweep.rankBy,
    warning: sweep.warning,
    ranked,
    bestRunId: bestRunOf(ranked[0], (id) => sweep.records.get(id), sweep.rankBy),
  };
}
