import type { DatasetInfo } from '../../contract/run-result.js';

/**
 * A series ready for modelling: the target column and any extra input columns, cleaned of missing
 * values, all of equal length, with optional time labels. Produced by `loadSeries` (./load-series.ts).
 */
export interface SeriesData {
  path: string;
  /** File name shown to people. */
  name: string;
  /** SHA-256 of the file's bytes, recorded in bundles. */
  sha256: string;
  column: string;
  /** The model's input features after the target: numeric input columns, and one-hot columns ("cbwd=NE") of categorical ones. */
  inputColumns: string[];
  /** Categories of each categorical input column, by column name (their one-hot columns are in inputColumns). */
  categories?: Record<string, string[]>;
  timeColumn: string | null;
  /** Time label per row, or null when there is no time column. */
  time: string[] | null;
  /** features[0] is the target column, then the input columns in order; no NaN. */
  features: Float64Array[];
  /** Rows the missing-value policy dropped or filled. */
  missingHandled: number;
  /** Rows in the file before cleaning. */
  rowsInFile: number;
}

/** What a run or a prediction records about the data it used. */
export function datasetInfo(series: SeriesData): DatasetInfo {
  return {
    path: series.path,
    name: series.name,
    sha256: series.sha256,
    column: series.column,
    inputColumns: series.inputColumns,
    categories: series.categories ?? {},
    timeColumn: series.timeColumn,
    rows: seriesLength(series),
    missingHandled: series.missingHandled,
  };
}

export function seriesLength(series: SeriesData): number {
  return series.features[0]?.length ?? 0;
}
