/**
 * The run flags of `train` and `sweep`: one table entry per flag (the flag, where its value goes in the
 * run configuration, its value parser or choices, its description). The commander options are made from
 * this table; the default --help shows is read from `RunConfigSchema` and never handed to commander, so a
 * flag left out leaves the schema's default in force. Adding a run flag with a default = one entry here.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  ACTIVATIONS,
  BACKEND_CHOICES,
  CALENDAR_FEATURES,
  InvalidInputError,
  MISSING_POLICIES,
  OPTIMIZERS,
  RECURRENT_LAYER_TYPES,
  RESAMPLE_AGGREGATIONS,
  RESAMPLE_FREQUENCIES,
  RunConfigSchema,
  SCALER_FITS,
  TRAINER_CHOICES,
  WINDOWINGS,
  parseRunConfig,
  DateRangeSchema,
  REFIT_WINDOWS,
  RefitSpecSchema,
  TARGET_TRANSFORMS,
  type LayerSpec,
  type RunConfig,
} from '../contract/run-config.js';
import type { z } from 'zod';

type DateRange = z.infer<typeof DateRangeSchema>;
type RefitSpec = z.infer<typeof RefitSpecSchema>;
/** The defaults inside each nested setting (what its flags leave unset). */
const NESTED_DEFAULTS = {
  'data.dateRange': (): Partial<DateRange> => DateRangeSchema.parse({}),
  'evaluation.refit': (): Partial<RefitSpec> => RefitSpecSchema.partial({ origins: true }).parse({}),
} as const;
import { bundledDatasetPath } from '../engine/data/bundled-datasets.js';
import { float, integer, integerList, list, repeatable } from './parse-flags.js';

/** A place in the run configuration: a top-level setting or `[section, setting]`. */
type SettingPath = { [S in keyof RunConfig]: RunConfig[S] extends Record<string, unknown> ? [S, keyof RunConfig[S] & string] : [S] }[keyof RunConfig];
/** A setting of every recurrent layer (built from --stack, --cell, --units, ...), or the number of layers. */
type LayerPath = ['model.layers[]', keyof LayerSpec] | ['model.layers.length'];
/** A setting inside a setting that is null unless one of its flags is given: one end of `data.dateRange`, or a part of `evaluation.refit`. */
type NestedPath = ['data.dateRange', keyof DateRange] | ['evaluation.refit', keyof RefitSpec];

export interface RunFlag {
  /** The commander flag with its value name, e.g. `--time-steps <n>`. */
  flag: string;
  /** Where the value goes in the run configuration; the default shown in --help is the schema's value there. */
  path: SettingPath | LayerPath | NestedPath;
  /** Turns the text given into the value (src/cli/parse-flags.ts); the text as is when absent. */
  parse?: (value: string, previous?: unknown) => unknown;
  /** The values allowed (for enum settings). */
  choices?: readonly string[];
  /** What the flag sets; a "(default: …)" in it replaces the schema's default in --help (for null defaults). */
  description: string;
}

/** Parse `TYPE:UNITS[:ACTIVATION[:DROPOUT]]`, e.g. `lstm:16:tanh:0.1`; what is left out takes the schema's default. */
/** Parse `FREQUENCY[:AGGREGATION]`, e.g. `day:mean` (the aggregation takes the schema's default when left out). */
function resample(text: string): Record<string, unknown> {
  const [every, how, ...rest] = text.split(':').map((part) => part.trim());
  if (!RESAMPLE_FREQUENCIES.includes(every as never) || (how !== undefined && !RESAMPLE_AGGREGATIONS.includes(how as never)) || rest.length) {
    throw new InvalidArgumentError(
      `"${text}" is not FREQUENCY[:AGGREGATION]: the frequency is one of ${RESAMPLE_FREQUENCIES.join(', ')} and the aggregation one of ${RESAMPLE_AGGREGATIONS.join(', ')} (e.g. day:mean).`,
    );
  }
  return { every, ...(how !== undefined && { how }) };
}

/** Comma-separated calendar feature names, e.g. `month,hour`. */
function calendarList(text: string): string[] {
  const names = list(text);
  const unknown = names.filter((name) => !CALENDAR_FEATURES.includes(name as never));
  if (unknown.length || names.length === 0) {
    throw new InvalidArgumentError(`"${unknown[0] ?? text}" is not a calendar feature; they are ${CALENDAR_FEATURES.join(', ')} (e.g. month,dayOfWeek).`);
  }
  return names;
}

function layer(text: string): Record<string, unknown> {
  const [type, units, activation, dropout] = text.split(':');
  if (!RECURRENT_LAYER_TYPES.includes(type as never)) {
    throw new InvalidInputError(`--layer "${text}": the type must be one of ${RECURRENT_LAYER_TYPES.join(', ')}.`);
  }
  return { type, units: Number(units), ...(activation && { activation }), ...(dropout && { dropout: Number(dropout) }) };
}

export const RUN_FLAGS: readonly RunFlag[] = [
  { flag: '--csv <file>', path: ['data', 'path'], description: 'CSV file to read (default: the bundled monthly sunspots)' },
  { flag: '--column <name>', path: ['data', 'column'], description: 'target column (default: the second column, as the tutorial)' },
  { flag: '--inputs <names>', path: ['data', 'inputColumns'], parse: list, description: 'extra numeric input columns, comma-separated' },
  { flag: '--calendar <names>', path: ['data', 'calendarFeatures'], parse: calendarList, description: `calendar features from the time column as sin/cos inputs, comma-separated (${CALENDAR_FEATURES.join(', ')})` },
  { flag: '--time-column <name>', path: ['data', 'timeColumn'], description: 'column with dates or times (default: detected)' },
  { flag: '--no-time-column', path: ['data', 'timeColumn'], description: 'no time column: number the rows (as the form\'s "Row number")' },
  { flag: '--missing <policy>', path: ['data', 'missing'], choices: MISSING_POLICIES, description: 'missing values' },
  { flag: '--resample <every:how>', path: ['data', 'resample'], parse: resample, description: `resample to a coarser frequency before windowing, e.g. day:mean (${RESAMPLE_FREQUENCIES.join('|')}:${RESAMPLE_AGGREGATIONS.join('|')})` },
  { flag: '--from <date>', path: ['data.dateRange', 'from'], description: 'keep the rows from this date or time on (e.g. 2012-01-01; needs a time column)' },
  { flag: '--to <date>', path: ['data.dateRange', 'to'], description: 'keep the rows up to this date, included (e.g. 2013-12-31, or 2013 for the whole year)' },
  { flag: '--time-steps <n>', path: ['prep', 'timeSteps'], parse: integer, description: 'values in each input window' },
  { flag: '--windowing <kind>', path: ['prep', 'windowing'], choices: WINDOWINGS, description: 'tutorial = non-overlapping windows; sliding = stride 1' },
  { flag: '--train-fraction <f>', path: ['prep', 'trainFraction'], parse: float, description: 'share of the series for training' },
  { flag: '--test-size <n>', path: ['prep', 'testSize'], parse: integer, description: 'the last N rows are the test part (instead of --train-fraction)' },
  { flag: '--scaler-fit <part>', path: ['prep', 'scalerFit'], choices: SCALER_FITS, description: 'fit the MinMax scaler on all data (tutorial) or the training part only' },
  { flag: '--validation <f>', path: ['prep', 'validationFraction'], parse: float, description: 'share of training windows held out for validation' },
  { flag: '--transform <name>', path: ['prep', 'transform'], choices: TARGET_TRANSFORMS, description: 'transform of the target before scaling, inverted for predictions and metrics' },
  { flag: '--box-cox-lambda <l>', path: ['prep', 'boxCoxLambda'], parse: float, description: 'with --transform box-cox: lambda from -1 to 2 (default: maximum likelihood on the training part)' },
  { flag: '--difference <lags>', path: ['prep', 'difference'], parse: integerList, description: 'difference the target at these lags after the transform, comma-separated, e.g. 1,12' },
  { flag: '--cell <type>', path: ['model.layers[]', 'type'], choices: RECURRENT_LAYER_TYPES, description: 'recurrent layer type' },
  { flag: '--units <n>', path: ['model.layers[]', 'units'], parse: integer, description: 'hidden units per recurrent layer' },
  { flag: '--activation <name>', path: ['model.layers[]', 'activation'], choices: ACTIVATIONS, description: 'recurrent activation' },
  { flag: '--dropout <rate>', path: ['model.layers[]', 'dropout'], parse: float, description: 'dropout after each recurrent layer' },
  { flag: '--stack <n>', path: ['model.layers.length'], parse: integer, description: 'number of recurrent layers (1-4)' },
  { flag: '--layer <spec>', path: ['model', 'layers'], parse: repeatable(layer), description: 'a recurrent layer TYPE:UNITS[:ACTIVATION[:DROPOUT]]; repeat to stack (overrides --cell/--units/--stack)' },
  { flag: '--output-activation <name>', path: ['model', 'outputActivation'], choices: ACTIVATIONS, description: 'Dense output activation' },
  { flag: '--output-units <n>', path: ['model', 'outputUnits'], parse: integer, description: 'Dense output units: 1, or H for direct H-step output' },
  { flag: '--epochs <n>', path: ['training', 'epochs'], parse: integer, description: 'training epochs' },
  { flag: '--batch-size <n>', path: ['training', 'batchSize'], parse: integer, description: 'batch size' },
  { flag: '--optimizer <name>', path: ['training', 'optimizer'], choices: OPTIMIZERS, description: 'optimizer' },
  { flag: '--learning-rate <lr>', path: ['training', 'learningRate'], parse: float, description: 'learning rate' },
  { flag: '--seed <n>', path: ['training', 'seed'], parse: integer, description: 'seed for weights, dropout and shuffle (default: random, reported)' },
  { flag: '--no-shuffle', path: ['training', 'shuffle'], description: 'keep the training windows in time order' },
  { flag: '--patience <n>', path: ['training', 'earlyStoppingPatience'], parse: integer, description: 'early stopping patience on validation loss (0 = off)' },
  { flag: '--season-length <n>', path: ['evaluation', 'seasonLength'], parse: integer, description: 'season length for baselines and MASE (default: detected)' },
  { flag: '--backtest-folds <n>', path: ['evaluation', 'backtestFolds'], parse: integer, description: 'rolling-origin backtest folds over the test span' },
  { flag: '--forecast-steps <n>', path: ['evaluation', 'forecastSteps'], parse: integer, description: 'steps to forecast beyond the data' },
  { flag: '--refit <k>', path: ['evaluation.refit', 'origins'], parse: integer, description: 'refit backtest: retrain the network and refit the references at each of k origins before the last k blocks of --refit-horizon rows' },
  { flag: '--refit-horizon <h>', path: ['evaluation.refit', 'horizon'], parse: integer, description: 'with --refit: steps forecast from each origin' },
  { flag: '--refit-window <kind>', path: ['evaluation.refit', 'window'], choices: REFIT_WINDOWS, description: 'with --refit: training rows from the first row (expanding) or as many as the first fold (sliding)' },
  { flag: '--backend <name>', path: ['backend'], choices: BACKEND_CHOICES, description: 'TensorFlow.js backend' },
  { flag: '--trainer <name>', path: ['trainer'], choices: TRAINER_CHOICES, description: 'training implementation: auto = fused kernel where it supports the model, else tfjs' },
];

/** The schema's defaults (data.path has none: it is required, so any name does for reading the rest). */
const schemaDefaults = (): RunConfig => RunConfigSchema.parse({ data: { path: '-' } });

/** The value at `path` in a complete configuration. */
function valueAt(config: RunConfig, path: RunFlag['path']): unknown {
  if (path[0] === 'model.layers.length') return config.model.layers.length;
  if (path[0] === 'model.layers[]') return config.model.layers[0][path[1]];
  if (path[0] === 'data.dateRange' || path[0] === 'evaluation.refit') return (NESTED_DEFAULTS[path[0]]() as Record<string, unknown>)[path[1]] ?? null;
  const section: unknown = config[path[0]];
  return path.length === 1 ? section : (section as Record<string, unknown>)[path[1]];
}

/** The flag's description with the schema's default, when it has one to show (not null, not empty, not a negation). */
function describe(entry: RunFlag, defaults: RunConfig): string {
  const value = valueAt(defaults, entry.path);
  const shown = entry.description.includes('(default') || entry.flag.startsWith('--no-') || value === null || (Array.isArray(value) && value.length === 0);
  return shown ? entry.description : `${entry.description} (default: ${JSON.stringify(value)})`;
}

/** Add the run flags (all, or those named in `only`) to `command`, with no commander defaults. */
export function addRunFlags(command: Command, only?: readonly string[]): Command {
  const defaults = schemaDefaults();
  for (const entry of RUN_FLAGS) {
    if (only && !only.includes(entry.flag.split(' ')[0])) continue;
    const option = new Option(entry.flag, describe(entry, defaults));
    if (entry.choices) option.choices(entry.choices);
    if (entry.parse) option.argParser(entry.parse);
    command.addOption(option);
  }
  return command;
}

/** The options given on the command line (or by environment), without commander's implicit ones (`--no-x` makes `x` true). */
export function givenOptions(command: Command): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command.opts())) {
    if (value !== undefined && command.getOptionValueSource(key) !== 'default') given[key] = value;
  }
  return given;
}

/** The run configuration the given run flags describe; every setting not given keeps the schema's default. */
export function configFromFlags(given: Record<string, unknown>): RunConfig {
  const input: Record<string, unknown> = {};
  const layerSettings: Record<string, unknown> = {};
  const nested: Record<string, Record<string, unknown> | undefined> = {};
  let stack: number | undefined;
  for (const entry of RUN_FLAGS) {
    const value = given[new Option(entry.flag).attributeName()];
    if (value === undefined) continue;
    const [head, key] = entry.path;
    if (head === 'model.layers.length') stack = value as number;
    else if (head === 'model.layers[]') layerSettings[key] = value;
    else if (head === 'data.dateRange' || head === 'evaluation.refit') nested[head] = { ...nested[head], [key]: value };
    else if (key === undefined) input[head] = value;
    else input[head] = { ...(input[head] as object | undefined), [key]: value };
  }
  const model = (input['model'] ?? {}) as Record<string, unknown>;
  if (model['layers'] === undefined && (stack !== undefined || Object.keys(layerSettings).length > 0)) {
    const count = stack ?? schemaDefaults().model.layers.length;
    input['model'] = { ...model, layers: Array.from({ length: count }, () => ({ ...layerSettings })) };
  }
  const data = (input['data'] ?? {}) as Record<string, unknown>;
  input['data'] = { ...data, path: data['path'] ?? bundledDatasetPath(), ...(nested['data.dateRange'] && { dateRange: nested['data.dateRange'] }) };
  if (nested['evaluation.refit']) input['evaluation'] = { ...(input['evaluation'] as object | undefined), refit: nested['evaluation.refit'] };
  return parseRunConfig(input);
}
