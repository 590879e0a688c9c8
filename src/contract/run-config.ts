/**
 * The run configuration: everything an analyst can set for one training run.
 *
 * This schema is the single source of truth for hyperparameters. The CLI flags, the renderer's form,
 * the training process and the exported bundle metadata all use it; every process validates a config
 * with `parseRunConfig` where it enters. Defaults reproduce the Keras SimpleRNN sunspots tutorial.
 */
import { z } from 'zod';
import { CELL_TYPE_IDS } from './cell-types.js';
import { InvalidInputError } from './invalid-input.js';
import { reasonFor } from './validation-messages.js';

export { InvalidInputError };

/** The recurrent cell types of contract/cell-types.ts. */
export const RECURRENT_LAYER_TYPES = CELL_TYPE_IDS;
export type RecurrentLayerType = (typeof RECURRENT_LAYER_TYPES)[number];

export const ACTIVATIONS = ['tanh', 'linear', 'relu', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['adam', 'rmsprop', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** How windows are cut: the tutorial's non-overlapping blocks, or a sliding window with stride 1. */
export const WINDOWINGS = ['tutorial', 'sliding'] as const;
export type Windowing = (typeof WINDOWINGS)[number];

/** Which part of the series the MinMax scaler is fitted on (the tutorial fits on all of it). */
export const SCALER_FITS = ['all', 'train'] as const;
export type ScalerFit = (typeof SCALER_FITS)[number];

/** Variance-stabilising transform of the target before scaling (engine/data/transforms.ts): none, log, or Box-Cox. */
export const TARGET_TRANSFORMS = ['none', 'log', 'box-cox'] as const;
export type TargetTransformName = (typeof TARGET_TRANSFORMS)[number];

/** Calendar features known in advance (engine/data/calendar-features.ts): each is a sine/cosine pair of its period's phase. */
export const CALENDAR_FEATURES = ['month', 'dayOfWeek', 'hour', 'dayOfYear'] as const;
export type CalendarFeature = (typeof CALENDAR_FEATURES)[number];

export const MISSING_POLICIES = ['drop', 'ffill', 'interpolate'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** Frequencies a series can be resampled to (coarser than the data), and how the rows of a period are combined. */
export const RESAMPLE_FREQUENCIES = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type ResampleFrequency = (typeof RESAMPLE_FREQUENCIES)[number];
export const RESAMPLE_AGGREGATIONS = ['mean', 'sum', 'last', 'min', 'max'] as const;
export type ResampleAggregation = (typeof RESAMPLE_AGGREGATIONS)[number];

/** A date or date-time bound of a date range: 2012, 2012-03, 2012-03-01 or 2012-03-01 06:00. */
const TimeBoundSchema = z
  .string()
  .trim()
  .regex(/^\d{4}(-\d{2}(-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?)?)?$/, 'must be a date such as 2012-01-31 (or 2012, 2012-01, 2012-01-31 06:00)')
  .nullable()
  .default(null);

export const ResampleSpecSchema = z.object({ every: z.enum(RESAMPLE_FREQUENCIES), how: z.enum(RESAMPLE_AGGREGATIONS).default('mean') });
export const DateRangeSchema = z.object({ from: TimeBoundSchema, to: TimeBoundSchema });

/**
 * The time axis asked for: a column's name (or a composed time's, e.g. "year-month-day-hour"); false = none,
 * the rows are numbered; null = detect (the first date column, else a time composed of year/month/... columns,
 * else none).
 */
export const TimeColumnSchema = z.union([z.string().min(1), z.literal(false)]).nullable().default(null);
export type TimeColumnChoice = z.infer<typeof TimeColumnSchema>;

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'cpu', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The training implementations (engine/train: fused-trainer.ts, tfjs-trainer.ts). */
export const TRAINER_NAMES = ['fused', 'tfjs'] as const;
/** Which training implementation runs: 'auto' = the fused kernel where it supports the model, else TensorFlow.js. */
export const TRAINER_CHOICES = ['auto', ...TRAINER_NAMES] as const;
export type TrainerChoice = (typeof TRAINER_CHOICES)[number];

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const LayerSpecSchema = z.object({
  type: z.enum(RECURRENT_LAYER_TYPES).default('simpleRNN'),
  units: int(1, 512).default(3),
  activation: z.enum(ACTIVATIONS).default('tanh'),
  /** Rate of a seeded Dropout layer after this recurrent layer (0 = none). */
  dropout: z.number().min(0).max(0.9).default(0),
});
export type LayerSpec = z.infer<typeof LayerSpecSchema>;

/** A stack of recurrent layers (SimpleRNN, LSTM, GRU) and a Dense head: the tutorial's kind of model. */
export const RecurrentModelSpecSchema = z.object({
  /** The model family; left out, it is 'recurrent' (configs and bundles from before families). */
  family: z.literal('recurrent').default('recurrent'),
  /** 1 to 4 stacked recurrent layers; all but the last return sequences. */
  layers: z.array(LayerSpecSchema).min(1).max(4).default(() => [{ type: 'simpleRNN' as const, units: 3, activation: 'tanh' as const, dropout: 0 }]),
  /** Activation of the Dense output head (the tutorial uses tanh). */
  outputActivation: z.enum(ACTIVATIONS).default('tanh'),
  /** Units of the Dense head: 1 = next value; H > 1 = direct multi-step output of the next H values. */
  outputUnits: int(1, 365).default(1),
});
export type RecurrentModelSpec = z.infer<typeof RecurrentModelSpecSchema>;

/**
 * The model, one member per family, told apart by `family`. A new family (docs/ARCHITECTURE.md, "One place
 * for each fact") is one member here and one folder in src/engine/model/.
 */
export const ModelSpecSchema = z.discriminatedUnion('family', [RecurrentModelSpecSchema]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

export const DataSpecSchema = z.object({
  /**
   * The CSV file: its path for the engine and the command line; from a renderer, the host's handle for it
   * (DatasetRef.path), which the host resolves to the file before the run starts.
   */
  path: z.string().min(1),
  /** Target column name; null = the second column, as the tutorial does (first column if only one). */
  column: z.string().min(1).nullable().default(null),
  /** Extra numeric input columns (multivariate input); the target stays one column. */
  inputColumns: z.array(z.string().min(1)).max(32).default(() => []),
  /** Column holding dates or times for the x axis; false = none (rows are numbered), null = detect (TimeColumnSchema). */
  timeColumn: TimeColumnSchema,
  /** What to do with missing values in the used columns. */
  missing: z.enum(MISSING_POLICIES).default('interpolate'),
  /** Resample to a coarser frequency before windowing, combining each period's rows; null = the rows as in the file. */
  resample: ResampleSpecSchema.nullable().default(null),
  /** Keep only the rows whose time lies from `from` to `to` (both included, whole periods: to 2013 = to the end of 2013); null = all rows. */
  dateRange: DateRangeSchema.nullable().default(null),
  /** Calendar features from the time column, appended after the input columns as sin/cos pairs; known for future rows too. */
  calendarFeatures: z
    .array(z.enum(CALENDAR_FEATURES))
    .refine((names) => new Set(names).size === names.length, 'must name each calendar feature once')
    .default(() => []),
});
export type DataSpec = z.infer<typeof DataSpecSchema>;

export const PrepSpecSchema = z.object({
  timeSteps: int(1, 1000).default(12),
  windowing: z.enum(WINDOWINGS).default('tutorial'),
  /** Share of the series used for training; split index = floor(n * trainFraction). */
  trainFraction: z.number().min(0.05).max(0.95).default(0.8),
  /** The last testSize rows form the test part (split index = n - testSize), in place of trainFraction; null = use trainFraction. */
  testSize: int(1, 100_000_000).nullable().default(null),
  scalerFit: z.enum(SCALER_FITS).default('all'),
  /** Share of the training windows, taken from their end, held out for validation (0 = none). */
  validationFraction: z.number().min(0).max(0.5).default(0),
  /** Transform of the target before scaling (inverted exactly for predictions, metrics, intervals and forecasts). */
  transform: z.enum(TARGET_TRANSFORMS).default('none'),
  /** Box-Cox lambda; null = chosen by maximum likelihood on the training part. Only with transform 'box-cox'. */
  boxCoxLambda: z.number().min(-1).max(2).nullable().default(null),
  /** Differencing lags applied after the transform, in order (e.g. [1] or [1, 12]); [] = none. */
  difference: z.array(int(1, 10_000)).max(3).default(() => []),
});
export type PrepSpec = z.infer<typeof PrepSpecSchema>;

export const TrainingSpecSchema = z.object({
  epochs: int(1, 10_000).default(20),
  batchSize: int(1, 65_536).default(1),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().gt(0).max(10).default(0.001),
  /** Seed of weight initialisers, dropout and the shuffle; null = pick one at random and report it. */
  seed: int(0, 2_147_483_647).nullable().default(null),
  shuffle: z.boolean().default(true),
  /** Early stopping on validation loss: epochs without improvement before stopping (0 = off). */
  earlyStoppingPatience: int(0, 10_000).default(0),
});
export type TrainingSpec = z.infer<typeof TrainingSpecSchema>;

/** Training windows of a refit backtest: from the first row (expanding) or of the first fold's length (sliding). */
export const REFIT_WINDOWS = ['expanding', 'sliding'] as const;

/** A rolling-origin backtest that retrains the network and refits the references at each origin (Darts' historical_forecasts). */
export const RefitSpecSchema = z.object({
  /** Origins (folds): the last `origins` blocks of `horizon` rows are each forecast from the rows before them. */
  origins: int(1, 20),
  /** Steps forecast from each origin. */
  horizon: int(1, 10_000).default(1),
  window: z.enum(REFIT_WINDOWS).default('expanding'),
});
export type RefitSpec = z.infer<typeof RefitSpecSchema>;

export const EvaluationSpecSchema = z.object({
  /** Season length for the seasonal-naive baseline and MASE; null = detect from the data. */
  seasonLength: int(1, 10_000).nullable().default(null),
  /** Rolling-origin backtest folds over the test span (0 = no backtest). */
  backtestFolds: int(0, 50).default(0),
  /** Steps to forecast beyond the end of the data (0 = none). */
  forecastSteps: int(0, 10_000).default(0),
  /** Nominal levels of the split-conformal prediction intervals (calibrated on the validation windows); [] = none. */
  intervalLevels: z.array(z.number().gt(0).lt(1)).max(5).default(() => [0.8, 0.95]),
  /** Refit backtest (null = none): the network retrained, the references refitted, at each of k origins. */
  refit: RefitSpecSchema.nullable().default(null),
});
export type EvaluationSpec = z.infer<typeof EvaluationSpecSchema>;

export const RunConfigSchema = z
  .object({
    data: DataSpecSchema,
    prep: PrepSpecSchema.default(() => PrepSpecSchema.parse({})),
    model: ModelSpecSchema.default(() => ModelSpecSchema.parse({})),
    training: TrainingSpecSchema.default(() => TrainingSpecSchema.parse({})),
    evaluation: EvaluationSpecSchema.default(() => EvaluationSpecSchema.parse({})),
    backend: z.enum(BACKEND_CHOICES).default('auto'),
    trainer: z.enum(TRAINER_CHOICES).default('auto'),
  })
  .superRefine((config, ctx) => {
    if (config.training.earlyStoppingPatience > 0 && config.prep.validationFraction === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'earlyStoppingPatience'],
        message: 'early stopping watches the validation loss: set a validation fraction above 0',
      });
    }
    if (config.prep.boxCoxLambda !== null && config.prep.transform !== 'box-cox') {
      ctx.addIssue({
        code: 'custom',
        path: ['prep', 'boxCoxLambda'],
        message: 'a Box-Cox lambda applies to the box-cox transform only: set the transform to box-cox or leave the lambda empty',
      });
    }
    if (config.data.column !== null && config.data.inputColumns.includes(config.data.column)) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'inputColumns'],
        message: `"${config.data.column}" is the target column; it is always an input, do not list it again`,
      });
    }
  });
export type RunConfig = z.infer<typeof RunConfigSchema>;
/** What a caller may pass: every field but data.path is optional and takes the tutorial's default. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** Validate and complete a run configuration; throws an InvalidInputError listing every problem. */
export function parseRunConfig(input: unknown): RunConfig {
  return parseWith(RunConfigSchema, input, 'run configuration');
}

/** Parse with a zod schema and turn its issues into one readable sentence per problem. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : what;
    return `${where} ${reasonFor(issue)}`;
  });
  throw new InvalidInputError(`Invalid ${what}: ${problems.join('; ')}`, problems);
}

/** The tutorial's configuration for a given CSV path. */
export function tutorialConfig(path: string): RunConfig {
  return parseRunConfig({ data: { path } });
}
