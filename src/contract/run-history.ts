/**
 * The run history: what the run store keeps for every run (a compact record per run, beside the run's bundle),
 * how runs are compared, and what a sweep (grid or random search, optionally repeated over seeds) reports.
 * The store (src/engine/runs), the host's channels (run-history-channels below) and the CLI (`runs`, `sweep`,
 * `train --repeat`) all use these schemas.
 */
import { z } from 'zod';
import { RunConfigSchema } from './run-config.js';
import { EpochRecordSchema, MetricSetSchema, RunResultSchema } from './run-result.js';

export const RUN_STATUSES = ['running', 'finished', 'stopped', 'failed', 'interrupted'] as const;

/** Where a run's test predictions lie: runs are ranked against each other only when these agree. */
export const TestWindowSchema = z.object({
  datasetSha256: z.string(),
  column: z.string(),
  /** Series rows of the first and last test target, and how many test targets there are. */
  firstRow: z.number().int(),
  lastRow: z.number().int(),
  count: z.number().int(),
});
export type TestWindow = z.infer<typeof TestWindowSchema>;

export const RunRecordSchema = z.object({
  version: z.literal(1),
  runId: z.string().min(1),
  /** A name for people (defaults to a short description of the settings). */
  name: z.string(),
  tags: z.array(z.string()),
  pinned: z.boolean(),
  status: z.enum(RUN_STATUSES),
  /** For 'failed': the sentence the run failed with; for 'interrupted': what is known. */
  failure: z.object({ kind: z.string(), message: z.string() }).nullable(),
  stopReason: z.enum(['completed', 'early-stopping', 'user', 'crashed']).nullable(),
  /** The settings as run (the seed filled in once the run has started). */
  config: RunConfigSchema,
  dataset: z.object({
    name: z.string(),
    path: z.string(),
    sha256: z.string().nullable(),
    column: z.string().nullable(),
    inputColumns: z.array(z.string()),
    timeColumn: z.string().nullable(),
  }),
  /** The trainer: the one asked for ('auto', 'fused', 'tfjs') while running, the one used once finished. */
  trainer: z.string(),
  backend: z.string().nullable(),
  seed: z.number().int().nullable(),
  /** Which host ran it: the desktop app, browser mode or the command line. */
  origin: z.enum(['desktop', 'browser', 'cli']),
  /** The process that owns the record while it is 'running': a dead owner means the run was interrupted. */
  owner: z.object({ pid: z.number().int(), hostname: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  epochsPlanned: z.number().int(),
  /** Per-epoch losses (while running: as of the last update). */
  history: z.array(EpochRecordSchema),
  metrics: z
    .object({ train: MetricSetSchema, validation: MetricSetSchema.nullable(), test: MetricSetSchema, testFromOrigin: MetricSetSchema.nullable().optional() })
    .nullable(),
  baselines: z.array(z.object({ name: z.string(), test: MetricSetSchema })),
  testWindow: TestWindowSchema.nullable(),
  /** The run's bundle folder (model, metadata with the whole RunResult, predictions), or null. */
  bundleDir: z.string().nullable(),
  /** Bytes on disk of the bundle (and record), measured when the run ended. */
  bytes: z.number().int().nullable(),
  /** Sweep (or seed repeat) this run belongs to, and the point of it. */
  sweepId: z.string().nullable(),
  sweepPoint: z.number().int().nullable(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const VerdictSchema = z.object({
  /** True when the model's test RMSE (original units) is below the best baseline's. */
  beatsBaselines: z.boolean(),
  bestBaseline: z.string(),
  bestBaselineRmse: z.number(),
  modelRmse: z.number(),
  /** A sentence for people. */
  text: z.string(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * What `runs list` and the Runs panel show per run: a compact summary of the record, kept in its own small
 * file beside it so that listing a thousand runs reads and checks little.
 */
export const RunSummarySchema = z.object({
  runId: z.string().min(1),
  name: z.string(),
  tags: z.array(z.string()),
  pinned: z.boolean(),
  status: z.enum(RUN_STATUSES),
  failure: z.object({ kind: z.string(), message: z.string() }).nullable(),
  stopReason: z.enum(['completed', 'early-stopping', 'user', 'crashed']).nullable(),
  dataset: z.object({ name: z.string(), column: z.string().nullable() }),
  /** The recurrent layers, e.g. "simpleRNN(3)" or "lstm(32)+lstm(16)". */
  model: z.string(),
  /** The key settings. */
  settings: z.object({ timeSteps: z.number(), windowing: z.string(), learningRate: z.number(), batchSize: z.number(), epochs: z.number() }),
  seed: z.number().int().nullable(),
  trainer: z.string(),
  backend: z.string().nullable(),
  origin: z.enum(['desktop', 'browser', 'cli']),
  owner: z.object({ pid: z.number().int(), hostname: z.string() }),
  startedAt: z.string(),
  durationSeconds: z.number().nullable(),
  epochsDone: z.number().int(),
  /** Test RMSE in original units (scaled beside it), or null before the run finished. */
  testRmse: z.number().nullable(),
  testRmseScaled: z.number().nullable(),
  verdict: VerdictSchema.nullable(),
  bundleDir: z.string().nullable(),
  bytes: z.number().int().nullable(),
  sweepId: z.string().nullable(),
  sweepPoint: z.number().int().nullable(),
  /** An interrupted run that left a checkpoint (or its bundle) can be finished from it. */
  recoverable: z.boolean(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const StoreLimitsSchema = z.object({
  /** Keep at most this many runs (pinned ones always stay); null = no limit. */
  maxRuns: z.number().int().min(1).max(1_000_000).nullable().default(null),
  /** Keep at most this many bytes of runs on disk (pinned ones always stay); null = no limit. */
  maxBytes: z.number().int().min(1).nullable().default(null),
});
export type StoreLimits = z.infer<typeof StoreLimitsSchema>;

export const RunListingSchema = z.object({
  runsDir: z.string(),
  runs: z.array(RunSummarySchema),
  /** One sentence per damaged or unreadable run file that was skipped. */
  problems: z.array(z.string()),
  diskBytes: z.number(),
  limits: StoreLimitsSchema,
});
export type RunListing = z.infer<typeof RunListingSchema>;

/** Median, extremes and interquartile range of one measure over several runs. */
export const SpreadSchema = z.object({
  median: z.number(),
  min: z.number(),
  max: z.number(),
  q1: z.number(),
  q3: z.number(),
  iqr: z.number(),
  n: z.number().int(),
});
export type Spread = z.infer<typeof SpreadSchema>;

export const ComparisonSchema = z.object({
  runIds: z.array(z.string()),
  /** True when every run was scored on the same test rows of the same data. */
  sameTestWindow: z.boolean(),
  /** A sentence for people: whether and how the runs can be ranked. */
  note: z.string(),
  /** Rows of the metrics table: one per measure, one value per run (null where it is missing). */
  rows: z.array(z.object({ measure: z.string(), values: z.array(z.number().nullable()), best: z.number().int().nullable() })),
  /** Run ids ordered by test RMSE (original units), or null when the test windows differ. */
  ranking: z.array(z.string()).nullable(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

/** The settings a sweep may vary, by their command-line names. */
export const SWEEP_PARAMETERS = ['units', 'layers', 'cell', 'time-steps', 'windowing', 'learning-rate', 'batch-size', 'dropout', 'epochs'] as const;
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

export const SweepRequestSchema = z.object({
  /** The settings every point starts from. */
  base: RunConfigSchema,
  /** Values per parameter; the grid is every combination. */
  grid: z.partialRecord(z.enum(SWEEP_PARAMETERS), z.array(z.union([z.number(), z.string()])).min(1).max(100)).default({}),
  /** Draw this many points of the grid at random instead of all (null = the whole grid). */
  random: z.number().int().min(1).max(10_000).nullable().default(null),
  /** Train each point with this many seeds (base seed, base seed + 1, …). */
  repeat: z.number().int().min(1).max(100).default(1),
  /** Training processes at once (null = one per core). */
  parallel: z.number().int().min(1).max(64).nullable().default(null),
  /** Rank by validation loss (the default where there is a validation share) or by test RMSE. */
  rankBy: z.enum(['validation', 'test']).default('validation'),
  /** Runs above the limit need this set (the UI asks, the CLI takes --yes). */
  confirmed: z.boolean().default(false),
});
export type SweepRequest = z.infer<typeof SweepRequestSchema>;
export type SweepRequestInput = z.input<typeof SweepRequestSchema>;

/** One point of a sweep: its settings, its runs and their spread. */
export const SweepPointSchema = z.object({
  point: z.number().int(),
  settings: z.record(z.string(), z.union([z.number(), z.string()])),
  runIds: z.array(z.string()),
  done: z.number().int(),
  failures: z.array(z.string()),
  /** Median over the point's finished runs (null until one has finished). */
  validationLoss: z.number().nullable(),
  testRmse: SpreadSchema.nullable(),
  testRmseOriginal: SpreadSchema.nullable(),
  trainRmse: SpreadSchema.nullable(),
  /** Every test measure (original units) over the seeds. */
  measures: z.record(z.string(), SpreadSchema),
  verdict: VerdictSchema.nullable(),
});
export type SweepPoint = z.infer<typeof SweepPointSchema>;

export const SweepStatusSchema = z.object({
  sweepId: z.string(),
  state: z.enum(['running', 'stopping', 'finished', 'stopped']),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  elapsedSeconds: z.number(),
  etaSeconds: z.number().nullable(),
  parallel: z.number().int(),
  rankBy: z.enum(['validation', 'test']),
  /** Said when the ranking selects on the test set. */
  warning: z.string().nullable(),
  /** Points best first (points without a result last). */
  ranked: z.array(SweepPointSchema),
  /** The best point's first run id. */
  bestRunId: z.string().nullable(),
});
export type SweepStatus = z.infer<typeof SweepStatusSchema>;

/** Per test row: the actual value and the spread of the runs' predictions. */
export const PredictionSpreadSchema = z.array(
  z.object({ index: z.number().int(), time: z.string().nullable(), actual: z.number(), median: z.number(), min: z.number(), max: z.number() }),
);
export type PredictionSpread = z.infer<typeof PredictionSpreadSchema>;

const RunIdRequest = z.object({ runId: z.string().min(1) });
const RunIdsRequest = z.object({ runIds: z.array(z.string().min(1)).min(1).max(100) });

/** The host channels of the run history and sweeps (spread into `channels` in workbench-api.ts). */
export const runHistoryChannels = {
  'history:list': { request: z.object({}), response: RunListingSchema },
  'history:show': { request: RunIdRequest, response: z.object({ record: RunRecordSchema, result: RunResultSchema.nullable(), problem: z.string().nullable() }) },
  /** 2–8 runs: their records, results (for loss and prediction plots) and one metrics table. */
  'history:compare': {
    request: z.object({ runIds: z.array(z.string().min(1)).min(2).max(8) }),
    response: z.object({ comparison: ComparisonSchema, records: z.array(RunRecordSchema), results: z.array(RunResultSchema.nullable()) }),
  },
  'history:update': {
    request: z.object({ runId: z.string().min(1), name: z.string().max(200).optional(), tags: z.array(z.string().min(1).max(60)).max(30).optional(), pinned: z.boolean().optional() }),
    response: RunRecordSchema,
  },
  'history:delete': { request: RunIdRequest, response: z.object({ deleted: z.boolean() }) },
  'history:export': {
    request: z.object({ runId: z.string().min(1), name: z.string().min(1).max(200).nullable().default(null) }),
    response: z.object({ path: z.string() }).nullable(),
  },
  'history:limits': { request: StoreLimitsSchema, response: z.object({ limits: StoreLimitsSchema, pruned: z.array(z.string()) }) },
  'history:spread': { request: RunIdsRequest, response: PredictionSpreadSchema },
  'sweep:start': { request: SweepRequestSchema, response: z.object({ sweepId: z.string(), total: z.number().int() }) },
  'sweep:status': { request: z.object({ sweepId: z.string().min(1) }), response: SweepStatusSchema },
  'sweep:stop': { request: z.object({ sweepId: z.string().min(1) }), response: z.object({ stopping: z.boolean() }) },
} as const;
