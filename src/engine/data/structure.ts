/**
 * The structure of a series for the Data tab: the autocorrelation function and a classical additive
 * decomposition (trend / season / remainder), on the series as the run will load it (date range,
 * resampling and missing values applied). Season length and ACF come from evaluate/season.ts, the seasonal
 * figure and the centred moving average from evaluate/references/decompose.ts (the same ones the references use).
 */
import { STRUCTURE_MAX_POINTS, type SeriesStructure, type StructureRequest } from '../../contract/datasets.js';
import { centredAverage, seasonalIndices } from '../evaluate/references/decompose.js';
import { autocorrelation, detectSeasonLength } from '../evaluate/season.js';
import { lttbIndices } from './downsample.js';
import { loadSeries, type LoadSeriesOptions } from './load-series.js';

/** Lags shown: up to a third of the series, at most 400, and at least two seasons when the series allows. */
function acfLags(n: number, season: number | null): number {
  const wanted = Math.max(Math.min(Math.floor(n / 3), 400), season ? 2 * season : 0);
  return Math.max(0, Math.min(wanted, n - 1));
}

export async function seriesStructure(request: StructureRequest, options: LoadSeriesOptions = {}): Promise<SeriesStructure> {
  const { path, column, timeColumn, missing, resample = null, dateRange = null } = request;
  const series = await loadSeries({ path, column, inputColumns: [], timeColumn, missing, resample, dateRange }, options);
  const values = series.features[0];
  const n = values.length;
  const detectedSeasonLength = detectSeasonLength(values, undefined, series.time);
  const seasonLength = request.seasonLength ?? detectedSeasonLength;
  const acf = n >= 3 ? autocorrelation(values, acfLags(n, seasonLength)) : null;
  const base = { column: series.column, rows: n, detectedSeasonLength, acf: acf ? Array.from(acf) : [], bound: n > 0 ? 2 / Math.sqrt(n) : 0, seasonLength };
  if (!acf) return { ...base, decomposition: null, note: 'The series is constant (or shorter than 3 rows): it has no autocorrelation to show.' };
  if (seasonLength === null) {
    return { ...base, decomposition: null, note: 'No season was found (no significant peak of the autocorrelation), so there is no seasonal decomposition.' };
  }
  const m = seasonLength;
  if (n < 2 * m + 1) {
    return { ...base, decomposition: null, note: `A decomposition with a season of ${m} rows needs at least ${2 * m + 1} rows; the series has ${n}.` };
  }
  const indices = seasonalIndices(values, m, 'additive');
  const half = Math.floor(m / 2);
  const kept = n > STRUCTURE_MAX_POINTS ? Array.from(lttbIndices(values, STRUCTURE_MAX_POINTS)) : Array.from({ length: n }, (_, row) => row);
  const trendAt = (row: number) => (row >= half && row + half < n ? centredAverage(values, row, m) : null);
  const trend = kept.map(trendAt);
  const time = series.time;
  return {
    ...base,
    decomposition: {
      seasonLength: m,
      index: kept,
      time: time ? kept.map((row) => time[row]) : null,
      observed: kept.map((row) => values[row]),
      trend,
      season: kept.map((row) => indices[row % m]),
      remainder: kept.map((row, i) => (trend[i] === null ? null : values[row] - trend[i]! - indices[row % m])),
    },
    note: n > STRUCTURE_MAX_POINTS ? `Plotted: ${STRUCTURE_MAX_POINTS.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows (thinned by the observed values).` : null,
  };
}
