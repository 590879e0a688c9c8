/**
 * Load the columns a run needs from any analyst's CSV file into a clean SeriesData: the dialect is
 * detected (see ./csv/), the file is read in chunks, only the used columns are kept (as Float64Array),
 * categorical input columns become one-hot inputs (./one-hot.ts), the date range and resampling are
 * applied (./resample.ts), then the missing-value policy; calendar features (./calendar-features.ts) are
 * appended last, from the remaining rows' time labels.
 */
import { SERIES_MAX_POINTS, type ColumnInfo, type SeriesPreview, type SeriesRequest } from '../../contract/datasets.js';
import { InvalidInputError, type DataSpec, type TimeColumnChoice } from '../../contract/run-config.js';
import { calendarColumns, calendarFeatureNames } from './calendar-features.js';
import { oneHotColumns, type Categories } from './one-hot.js';
import { prepareTimeAxis, preparesTime } from './resample.js';
import { openCsvFile, scanCsvFile, type CsvFile, type FileScan, type ProgressCallback } from './csv/csv-file.js';
import { assertUsableTable, composedTime, composeTimeLabel, suggestTarget, suggestTime } from './csv/inspect.js';
import { applyMissingPolicy } from './csv/missing-values.js';
import { lttbIndices } from './downsample.js';
import { scanRows, type ScanRequest } from './csv/table-scanner.js';
import type { SeriesData } from './series.js';

export interface LoadSeriesOptions {
  /** Called as the file is read, with the fraction read so far (0 to 1). */
  onProgress?: ProgressCallback;
  /** The categories of categorical input columns, fixed (a bundle's): other values are refused. Unset: the file's. */
  categories?: Categories;
}

/** What to load: a DataSpec, whose time-axis preparation and calendar features may be left out (= none). */
export type SeriesSpec = Omit<DataSpec, 'resample' | 'dateRange' | 'calendarFeatures'> & Partial<Pick<DataSpec, 'resample' | 'dateRange' | 'calendarFeatures'>>;

/** Which columns to read: indices into the file's columns. */
interface ColumnPlan {
  target: number;
  inputs: number[];
  /** The inputs that are categorical (one-hot encoded), a subset of `inputs`. */
  categorical: number[];
  /** A time column, or the year/month/... columns a time is composed of. */
  time: { name: string; columns: number[] } | null;
}

/**
 * Read a series from a CSV file. Unset target and time columns are planned from the first rows and
 * checked against the whole file; in the rare case they differ, the file is read a second time.
 */
export async function loadSeries(spec: SeriesSpec, options: LoadSeriesOptions = {}): Promise<SeriesData> {
  const file = await openCsvFile(spec.path);
  const sample = scanRows(file.dialect, file.sampleRows);
  const guess = planColumns(spec, file, sample.profiles.map((profile) => profile.info()), options.categories);
  let scan = await scanCsvFile(file, scanRequest(guess), options.onProgress);
  const columns = scan.profiles.map((profile) => profile.info());
  assertUsableTable(file.name, file.dialect, scan.rows, columns);
  const plan = planColumns(spec, file, columns, options.categories);
  if (!samePlan(plan, guess)) scan = await scanCsvFile(file, scanRequest(plan), options.onProgress);
  for (const column of [plan.target, ...plan.inputs]) {
    if (!plan.categorical.includes(column)) assertNumericColumn(file.name, scan, column, columns);
  }
  return toSeries(spec, file, plan, scan, columns, options.categories);
}

/**
 * One column with its time labels, after the missing-value policy, for plotting the input series. A series
 * longer than `maxPoints` (default SERIES_MAX_POINTS) is thinned here, on the host, with LTTB: only the kept
 * rows' values and time labels are returned, with their row numbers in `index`, so a million-row column
 * does not cross the process boundary whole.
 */
export async function loadSeriesPreview(request: SeriesRequest, options: LoadSeriesOptions = {}): Promise<SeriesPreview> {
  const { path, column, timeColumn, missing, resample = null, dateRange = null } = request;
  const series = await loadSeries({ path, column, inputColumns: [], timeColumn, missing, resample, dateRange }, options);
  const values = series.features[0];
  const rows = values.length;
  const maxPoints = request.maxPoints ?? SERIES_MAX_POINTS;
  const base = { column: series.column, missingHandled: series.missingHandled, rows };
  if (rows <= maxPoints) return { ...base, time: series.time, values: Array.from(values), index: null };
  const kept = lttbIndices(values, maxPoints);
  const time = series.time;
  return {
    ...base,
    time: time ? Array.from(kept, (row) => time[row]) : null,
    values: Array.from(kept, (row) => values[row]),
    index: Array.from(kept),
  };
}

/** `fixed`: a bundle's categories; their columns are one-hot encoded whatever the new file's profile says (a short file may look like text). */
function planColumns(spec: SeriesSpec, file: CsvFile, columns: ColumnInfo[], fixed?: Categories): ColumnPlan {
  const names = file.dialect.columns;
  const target = spec.column ?? suggestTarget(columns) ?? names[Math.min(1, names.length - 1)];
  // Checked here, once the target is known: the run config can check it only when the target is named.
  if (spec.inputColumns.includes(target)) {
    throw new InvalidInputError(
      `"${target}" is the target column of ${file.name}${spec.column === null ? ' (chosen as the default)' : ''}; it is always an input, do not list it again in the input columns.`,
    );
  }
  const inputs = spec.inputColumns.map((name) => columnIndex(file, name));
  return {
    target: columnIndex(file, target),
    inputs,
    categorical: inputs.filter((column) => columns[column]?.type === 'categorical' || (fixed !== undefined && Object.hasOwn(fixed, names[column]))),
    time: planTime(spec.timeColumn, file, columns),
  };
}

/** The named time column or composed time; false: none; unset: the first date column, else a composed time, else none. */
function planTime(timeColumn: TimeColumnChoice, file: CsvFile, columns: ColumnInfo[]): ColumnPlan['time'] {
  if (timeColumn === false) return null;
  const composed = composedTime(columns);
  const name = timeColumn ?? suggestTime(columns) ?? composed?.name;
  if (name === undefined) return null;
  if (composed?.name === name && !file.dialect.columns.includes(name)) {
    return { name, columns: composed.parts.map((part) => columnIndex(file, part)) };
  }
  return { name, columns: [columnIndex(file, name)] };
}

/** Why a series has no time axis, for the sentence that refuses what needs one. */
function noTimeColumn(fileName: string, asked: TimeColumnChoice): string {
  return asked === false ? `the rows of ${fileName} are numbered (no time column was chosen)` : `${fileName} has none that was detected`;
}

function columnIndex(file: CsvFile, name: string): number {
  const index = file.dialect.columns.indexOf(name);
  if (index < 0) {
    throw new InvalidInputError(`${file.name} has no column "${name}"; its columns are ${file.dialect.columns.join(', ')}.`);
  }
  return index;
}

function samePlan(a: ColumnPlan, b: ColumnPlan): boolean {
  return a.target === b.target && a.inputs.join() === b.inputs.join() && a.categorical.join() === b.categorical.join() && a.time?.name === b.time?.name;
}

function scanRequest(plan: ColumnPlan): ScanRequest {
  const timeColumns = plan.time?.columns;
  let timeLabel: ScanRequest['timeLabel'] = null;
  if (timeColumns?.length === 1) timeLabel = (row) => (row[timeColumns[0]] ?? '').trim();
  else if (timeColumns) timeLabel = (row) => composeTimeLabel(timeColumns.map((column) => row[column] ?? ''));
  const numericColumns = [plan.target, ...plan.inputs.filter((column) => !plan.categorical.includes(column))];
  return { numericColumns, timeLabel, categoryColumns: plan.categorical };
}

function assertNumericColumn(fileName: string, scan: FileScan, column: number, columns: ColumnInfo[]): void {
  const profile = scan.profiles[column];
  const type = profile.type;
  if (type === 'numeric') return;
  const where = `Column "${profile.name}" in ${fileName}`;
  const numericColumns = columns.filter((c) => c.type === 'numeric').map((c) => c.name);
  const pickOne = `; numeric columns are ${numericColumns.join(', ')}`;
  if (type === 'empty') throw new InvalidInputError(`${where} has no values${pickOne}.`);
  if (type === 'date') throw new InvalidInputError(`${where} holds dates (${profile.dateFormat}), not numbers${pickOne}.`);
  throw new InvalidInputError(
    `${where} is mostly text: ${profile.nonNumbers} of ${scan.rows} values are not numbers, e.g. "${profile.firstNonNumber}"${pickOne}.`,
  );
}

function toSeries(spec: SeriesSpec, file: CsvFile, plan: ColumnPlan, scan: FileScan, columns: ColumnInfo[], fixed?: Categories): SeriesData {
  const names = file.dialect.columns;
  // The target, then each input in order: a numeric one as itself, a categorical one as its one-hot columns.
  const features: Float64Array[] = [scan.numbers.get(plan.target)!];
  const featureNames: string[] = [];
  const categories: Categories = {};
  for (const column of plan.inputs) {
    const codes = scan.categories.get(column);
    if (!codes) {
      features.push(scan.numbers.get(column)!);
      featureNames.push(names[column]);
      continue;
    }
    const encoded = oneHotColumns(names[column], codes, file.name, fixed?.[names[column]]);
    categories[names[column]] = encoded.categories;
    features.push(...encoded.columns);
    featureNames.push(...encoded.names);
  }
  const prepareTime = { resample: spec.resample ?? null, dateRange: spec.dateRange ?? null };
  let labels = scan.timeLabels;
  let raw = features;
  const timeInfo = plan.time?.columns.length === 1 ? columns[plan.time.columns[0]] : null;
  const format = timeInfo?.type === 'date' ? timeInfo.format : null;
  if (preparesTime(prepareTime)) {
    if (!labels || !plan.time) {
      throw new InvalidInputError(
        `A date range and resampling need a time column, and ${noTimeColumn(file.name, spec.timeColumn)}; pick its date or time column.`,
      );
    }
    const prepared = prepareTimeAxis({ time: labels, columns: raw }, prepareTime, { fileName: file.name, timeColumn: plan.time.name, format });
    labels = prepared.time;
    raw = prepared.columns;
  }
  const cleaned = applyMissingPolicy(raw, spec.missing);
  if (cleaned.features[0].length === 0) {
    const used = [plan.target, ...plan.inputs].map((column) => names[column]).join(', ');
    throw new InvalidInputError(`No rows of ${file.name} are left after dropping the rows with missing values in ${used}.`);
  }
  const keptRows = cleaned.keptRows;
  const kept = labels;
  const time = kept && keptRows ? Array.from(keptRows, (row) => kept[row]) : kept;
  const calendar = spec.calendarFeatures ?? [];
  // Resampled labels are ISO dates, whatever the file's format was.
  const calendarFormat = spec.resample ? null : format;
  cleaned.features.push(...calendarColumns(calendar, time, { fileName: file.name, timeColumn: plan.time?.name ?? null, format: calendarFormat, missing: noTimeColumn(file.name, spec.timeColumn) }));
  featureNames.push(...calendarFeatureNames(calendar));
  return {
    path: spec.path,
    name: file.name,
    sha256: scan.sha256,
    column: names[plan.target],
    inputColumns: featureNames,
    categories,
    timeColumn: plan.time?.name ?? null,
    time,
    features: cleaned.features,
    missingHandled: cleaned.affectedRows,
    rowsInFile: scan.rows,
  };
}
