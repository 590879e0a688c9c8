/**
 * Every engine call a host makes, in one table: per method its argument tuple, its result and, for calls
 * that report how far they are, its progress. The engine worker's dispatcher
 * (src/training-process/engine-worker.ts) and the host's typed proxy (src/services/engine-process.ts) are
 * derived from it (the idea of VS Code's ProxyChannel), and both sides validate with it: the worker the
 * arguments, the host the result and the progress. Adding an engine call = one entry here plus its
 * implementation in src/engine/engine-calls.ts.
 *
 * A call with `progress` takes one more, optional argument on the host: `{ onProgress(fraction) }`; the
 * callback stays on the host and the fractions travel as 'engine-progress' messages.
 *
 * `deadlineMs` (generous on purpose) is how long the host waits for a call's reply after handing it to a
 * ready worker; each progress message starts that wait again, so a long read that keeps reporting is never
 * cut short. A worker that misses a deadline is taken as hung: it is ended with SIGKILL and the next call
 * starts a new one. `activity` completes "The engine process stopped while …; try again.".
 */
import { z } from 'zod';
import { AnatomyReportSchema, AnatomyRequestSchema } from './anatomy.js';
import { BundleColumnMapSchema, BundlePredictionSchema, BundleSummarySchema } from './bundles.js';
import { CsvInspectionSchema, SeriesPreviewSchema, SeriesRequestSchema, SeriesStructureSchema, StructureRequestSchema } from './datasets.js';

const Path = z.string().min(1);
/** How far a call is, from 0 to 1. */
const Fraction = z.number().min(0).max(1);
const MINUTE = 60_000;

export interface EngineCallSpec {
  args: z.ZodTuple;
  result: z.ZodType;
  progress?: z.ZodType<number>;
  deadlineMs: number;
  activity: string;
}

export const engineCalls = {
  /** Sniff and profile a CSV file (progress arrives every 50 ms while it reads, each restarting the deadline). */
  inspectCsv: { args: z.tuple([Path]), result: CsvInspectionSchema, progress: Fraction, deadlineMs: 2 * MINUTE, activity: 'reading the CSV file' },
  /** Read one column (thinned for the plot). */
  loadSeriesPreview: { args: z.tuple([SeriesRequestSchema]), result: SeriesPreviewSchema, progress: Fraction, deadlineMs: 2 * MINUTE, activity: 'loading the series' },
  /** The autocorrelation and seasonal decomposition of one column, as the run would prepare it. */
  describeSeries: { args: z.tuple([StructureRequestSchema]), result: SeriesStructureSchema, progress: Fraction, deadlineMs: 2 * MINUTE, activity: 'describing the series' },
  /** The demo network or a bundle's, computed step by step beside model.predict (loads TensorFlow.js). */
  computeAnatomy: { args: z.tuple([AnatomyRequestSchema]), result: AnatomyReportSchema, deadlineMs: 3 * MINUTE, activity: 'computing the anatomy' },
  openBundle: { args: z.tuple([Path]), result: BundleSummarySchema, deadlineMs: 2 * MINUTE, activity: 'opening the model' },
  /** Forecast a CSV with a bundle: reads the file and predicts every window (third: which file column stands for each expected one). */
  predictWithBundle: { args: z.tuple([Path, Path, z.object({ columns: BundleColumnMapSchema.optional() }).optional()]), result: BundlePredictionSchema, deadlineMs: 10 * MINUTE, activity: 'predicting with the model' },
  /** Copy a bundle folder to a destination that must not exist (atomically); returns the destination. */
  exportBundle: { args: z.tuple([Path, Path]), result: z.string(), deadlineMs: 10 * MINUTE, activity: 'exporting the model' },
  /** Draw the chart images of a light bundle (a sweep's run) from the run's stored result file; returns the bundle's chart files. */
  addBundleCharts: { args: z.tuple([Path, Path]), result: z.array(z.string()), deadlineMs: 5 * MINUTE, activity: 'drawing the charts' },
} as const satisfies Record<string, EngineCallSpec>;

export type EngineMethod = keyof typeof engineCalls;
export const ENGINE_METHODS = Object.keys(engineCalls) as EngineMethod[];

export type EngineArgs<M extends EngineMethod> = z.infer<(typeof engineCalls)[M]['args']>;
export type EngineResult<M extends EngineMethod> = z.infer<(typeof engineCalls)[M]['result']>;

/** The host-only last argument of a call with progress. */
export interface EngineProgressOption {
  onProgress?: (fraction: number) => void;
}

/** Whether a method reports progress (and so takes an EngineProgressOption). */
export type ReportsProgress<M extends EngineMethod> = (typeof engineCalls)[M] extends { progress: z.ZodType } ? true : false;

/** A method's arguments as a host passes them: the tuple, plus `{ onProgress }` for calls with progress. */
export type EngineCallArgs<M extends EngineMethod> = ReportsProgress<M> extends true ? [...EngineArgs<M>, EngineProgressOption?] : EngineArgs<M>;

/** The engine as every side sees it: the in-process implementation, the worker's, the host's proxy. */
export type EngineApi = { [M in EngineMethod]: (...args: EngineCallArgs<M>) => Promise<EngineResult<M>> };

export function reportsProgress(method: EngineMethod): boolean {
  return 'progress' in engineCalls[method];
}

/** "The engine process stopped while reading the CSV file; try again." */
export function engineStoppedMessage(method: EngineMethod): string {
  return `The engine process stopped while ${engineCalls[method].activity}; try again.`;
}
