/**
 * Calendar features known in advance: for each chosen period (month of the year, day of the week, hour of
 * the day, day of the year) the sine and cosine of the row's phase in it, from its time label (UTC). They
 * are model inputs after the input columns (appended by load-series.ts), and because the time labels of
 * future rows can be projected, the forecast computes them for rows beyond the data (evaluate/forecast.ts).
 */
import { InvalidInputError, type CalendarFeature } from '../../contract/run-config.js';
import { timeLabelMs } from '../evaluate/time-labels.js';

const DAY_MS = 86_400_000;

/** The phase (0 to 1) of a UTC time in each period. */
const PHASES: Record<CalendarFeature, (date: Date) => number> = {
  month: (date) => date.getUTCMonth() / 12,
  // 0 = Sunday, as Date.getUTCDay counts.
  dayOfWeek: (date) => date.getUTCDay() / 7,
  // The time of day, minutes and seconds included.
  hour: (date) => (((date.getTime() % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS,
  dayOfYear: (date) => {
    const year = date.getUTCFullYear();
    const start = new Date(0).setUTCFullYear(year, 0, 1);
    const days = (new Date(0).setUTCFullYear(year + 1, 0, 1) - start) / DAY_MS;
    return Math.floor((date.getTime() - start) / DAY_MS) / days;
  },
};

/** The model input names of the features, in order: "month_sin", "month_cos", ... */
export function calendarFeatureNames(features: readonly CalendarFeature[]): string[] {
  return features.flatMap((feature) => [`${feature}_sin`, `${feature}_cos`]);
}

/** The sin/cos values of one point in time, in the order of calendarFeatureNames. */
export function calendarValues(features: readonly CalendarFeature[], ms: number): number[] {
  const date = new Date(ms);
  return features.flatMap((feature) => {
    const angle = 2 * Math.PI * PHASES[feature](date);
    return [Math.sin(angle), Math.cos(angle)];
  });
}

/** What the labels are for the refusal sentence: the file and its time column (null = none detected). */
interface CalendarContext {
  fileName: string;
  timeColumn: string | null;
  /** The time column's detected date format (ColumnInfo.format), if any. */
  format: string | null;
  /** Why there is no time column, for the refusal (load-series.ts says: none detected, or none chosen). */
  missing: string;
}

/**
 * The calendar feature columns of a series' rows (two per feature), from its time labels. A series without
 * a time column, or a label that is not a date, is refused with one sentence.
 */
export function calendarColumns(features: readonly CalendarFeature[], time: readonly string[] | null, context: CalendarContext): Float64Array[] {
  if (features.length === 0) return [];
  const wanted = features.join(', ');
  if (!time || context.timeColumn === null) {
    throw new InvalidInputError(`Calendar features (${wanted}) are computed from the time column, and ${context.missing}; pick its date or time column.`);
  }
  const columns = calendarFeatureNames(features).map(() => new Float64Array(time.length));
  time.forEach((label, row) => {
    const ms = timeLabelMs(label, context.format);
    if (ms === null) {
      throw new InvalidInputError(
        `Calendar features (${wanted}) need a date in every row of "${context.timeColumn}" in ${context.fileName}; row ${row + 1} holds "${label}".`,
      );
    }
    calendarValues(features, ms).forEach((value, c) => (columns[c][row] = value));
  });
  return columns;
}

/**
 * The model inputs besides the target whose future values are unknown: every input column but the calendar
 * features (whose values follow from the time labels; loadSeries appends their 2 columns each last). A
 * recursive forecast past an origin needs none.
 */
export function unknownFutureInputs(inputColumns: readonly string[], features: readonly CalendarFeature[]): string[] {
  return inputColumns.slice(0, Math.max(0, inputColumns.length - calendarFeatureNames(features).length));
}
