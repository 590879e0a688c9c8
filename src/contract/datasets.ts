/**
 * Datasets as the UI and the CLI see them: references handed out by a host, what inspecting a CSV
 * detected, and a series ready to plot.
 */
import { z } from 'zod';
import { DateRangeSchema, MISSING_POLICIES, ResampleSpecSchema, TimeColumnSchema } from './run-config.js';

export const COLUMN_TYPES = ['numeric', 'date', 'categorical', 'text', 'empty'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
/** Numeric columns that number the rows or never change: never suggested as a target or a time axis. */
export const COLUMN_ROLES = ['row-number', 'constant'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** A dataset the host has made available: a bundled one, or a file the user opened. */
/** The bundled file of the Keras SimpleRNN tutorial (monthly sunspots): the default dataset everywhere. */
export const TUTORIAL_DATASET = 'sunspots.csv';

export const DatasetRefSchema = z.object({
  /**
   * The host's handle for the file (`dataset-…`): what the renderer sends back as a request's `path` and
   * as a run's `data.path`. Never the file's location, which stays on the host; the host accepts only
   * handles it handed out itself.
   */
  path: z.string().min(1),
  /** File name to show. */
  name: z.string(),
  bundled: z.boolean(),
  /** One line about the data (bundled datasets: what, span, units). */
  description: z.string().default(''),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

export const ColumnInfoSchema = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  /** Values counted as missing: empty, NA, NaN, ?, null (case-insensitive). */
  missing: z.number().int(),
  /** For date columns: the detected format, e.g. 'YYYY-MM', 'YYYY-MM-DD', 'DD.MM.YYYY', 'MM/DD/YYYY', 'timestamp'. */
  format: z.string().nullable().default(null),
  /** For numeric columns: min and max of the present values. */
  min: z.number().nullable().default(null),
  max: z.number().nullable().default(null),
  /** 'row-number' (1, 2, 3, ... in every row) or 'constant' (one value); null for other columns. */
  role: z.enum(COLUMN_ROLES).nullable().default(null),
});
export type ColumnInfo = z.infer<typeof ColumnInfoSchema>;

export const CsvInspectionSchema = z.object({
  path: z.string(),
  name: z.string(),
  sizeBytes: z.number().int(),
  delimiter: z.string(),
  hasHeader: z.boolean(),
  bom: z.boolean(),
  lineEnding: z.enum(['LF', 'CRLF', 'CR']),
  decimalComma: z.boolean(),
  /** Data rows (header, blank and footer lines excluded). */
  rows: z.number().int(),
  /** Lines passed over: blank lines and trailing footer lines. */
  skippedLines: z.number().int(),
  columns: z.array(ColumnInfoSchema),
  /** First rows as text, for the preview table. */
  preview: z.array(z.array(z.string())),
  /** Suggested target (tutorial rule: the second column when numeric) and time column. */
  suggestedTarget: z.string().nullable(),
  suggestedTime: z.string().nullable(),
  /**
   * A time made of numeric year, month (, day, hour) columns, e.g. { name: 'year-month-day-hour',
   * parts: ['year', 'month', 'day', 'hour'] }; loadSeries uses it when there is no date column, and
   * accepts its name as a time column.
   */
  composedTime: z.object({ name: z.string(), parts: z.array(z.string()) }).nullable().optional(),
  warnings: z.array(z.string()),
});
export type CsvInspection = z.infer<typeof CsvInspectionSchema>;

export const SeriesRequestSchema = z.object({
  path: z.string().min(1),
  column: z.string().min(1),
  /** As the run's data.timeColumn: a name, false = rows numbered, null = detect. */
  timeColumn: TimeColumnSchema,
  missing: z.enum(MISSING_POLICIES).default('interpolate'),
  /** The run's date range and resampling, so the plot shows the series the network will see. */
  resample: ResampleSpecSchema.nullable().optional(),
  dateRange: DateRangeSchema.nullable().optional(),
  /**
   * At most this many points are sent for the plot; longer series are thinned on the host with LTTB
   * (Largest-Triangle-Three-Buckets). Unset: SERIES_MAX_POINTS.
   */
  maxPoints: z.number().int().min(100).max(2_000_000).optional(),
});
export type SeriesRequest = z.infer<typeof SeriesRequestSchema>;

/** Points plotted of a series unless the request says otherwise: about a point per pixel of a wide screen, times ten. */
export const SERIES_MAX_POINTS = 20_000;

/**
 * One column ready to plot, after the missing-value policy. A series longer than the request's maxPoints
 * arrives thinned with LTTB: `values` and `time` then hold the kept rows only, and `index` says which rows
 * they are (row numbers after the missing-value policy, ascending, first and last included).
 */
export const SeriesPreviewSchema = z.object({
  column: z.string(),
  time: z.array(z.string()).nullable(),
  values: z.array(z.number()),
  /** Rows the missing-value policy dropped or filled. */
  missingHandled: z.number().int(),
  /** Rows of the series after the missing-value policy (= values.length unless thinned). */
  rows: z.number().int(),
  /** The row of each point in `values`; null when nothing was thinned away (rows ≤ maxPoints). */
  index: z.array(z.number().int()).nullable(),
});
export type SeriesPreview = z.infer<typeof SeriesPreviewSchema>;

/** What to describe: the series (as the run prepares it) and, optionally, the season length to decompose with. */
export const StructureRequestSchema = SeriesRequestSchema.extend({
  /** Season length in rows for the decomposition; null or unset = the one detected. */
  seasonLength: z.number().int().min(2).max(10_000).nullable().optional(),
});
export type StructureRequest = z.infer<typeof StructureRequestSchema>;

/** Most points of a decomposition plotted; longer series are thinned on the host (LTTB on the observed values). */
export const STRUCTURE_MAX_POINTS = 5_000;

/**
 * The structure of one series after the run's preparation, for the Data tab: its autocorrelation function
 * and a classical additive decomposition (trend = centred moving average over one season, season = the mean
 * deviation per position in the season, remainder = the rest), when a season is found.
 */
export const SeriesStructureSchema = z.object({
  column: z.string(),
  rows: z.number().int(),
  /** Sample autocorrelation at lags 0..acf.length-1 (acf[0] = 1); empty for a constant series. */
  acf: z.array(z.number()),
  /** The significance bound 2/sqrt(n) drawn at ±bound. */
  bound: z.number(),
  /** Season length found (calendar step confirmed by the ACF, else the ACF's highest peak); null = none. */
  detectedSeasonLength: z.number().int().nullable(),
  /** Season length of the decomposition: the one asked for, else the one detected; null = none. */
  seasonLength: z.number().int().nullable(),
  decomposition: z
    .object({
      seasonLength: z.number().int(),
      /** The row of each point (ascending); the series is thinned to STRUCTURE_MAX_POINTS. */
      index: z.array(z.number().int()),
      time: z.array(z.string()).nullable(),
      observed: z.array(z.number()),
      /** Null for the first and last half season, where the centred average is not defined. */
      trend: z.array(z.number().nullable()),
      season: z.array(z.number()),
      remainder: z.array(z.number().nullable()),
    })
    .nullable(),
  /** Why there is no decomposition (or what to know about it), for people; null when there is nothing to say. */
  note: z.string().nullable(),
});
export type SeriesStructure = z.infer<typeof SeriesStructureSchema>;
