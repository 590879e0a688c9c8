/**
 * Data preparation on the time axis, before windowing: keep the rows of a date range, and resample to a
 * coarser frequency (hour, day, week from Monday, month, quarter, year), combining each period's values
 * with mean, sum, last, min or max. Periods are calendar periods in UTC. Every period from the first row's
 * to the last row's is kept: one without any value is missing (NaN) and goes to the missing-value policy
 * like any gap. Missing values inside a period are left out of its aggregate (as pandas does).
 * Time labels are read by evaluate/time-labels.ts, the one place for that.
 */
import { InvalidInputError, type DataSpec, type ResampleFrequency } from '../../contract/run-config.js';
import { timeLabelMs, utcTime } from '../evaluate/time-labels.js';

/** Rows on the time axis: a label per row, and the columns (equal length; NaN = missing). */
export interface TimedColumns {
  time: string[];
  columns: Float64Array[];
}

/** What messages name: the file, and the time column with its detected format. */
export interface TimeContext {
  fileName: string;
  timeColumn: string | null;
  /** The time column's detected date format (ColumnInfo.format), null for ISO labels. */
  format: string | null;
}

/** Most periods a resampled series may have (a stray label decades away would otherwise make millions). */
export const MAX_PERIODS = 2_000_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Calendar {
  /** Start of the period holding `ms`. */
  floor(ms: number): number;
  /** Start of the next period. */
  next(start: number): number;
  label(start: number): string;
  /** The period's shortest length: data whose typical step is this long or longer is not finer than it. */
  shortestMs: number;
  /** "daily", for sentences. */
  adjective: string;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const ymd = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const ym = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;
const monthStart = (ms: number, months: number) => {
  const d = new Date(ms);
  const month = d.getUTCMonth() - (d.getUTCMonth() % months);
  return utcTime(d.getUTCFullYear(), month)!;
};
const addMonths = (start: number, months: number) => {
  const d = new Date(start);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  return utcTime(Math.floor(total / 12), total % 12)!;
};

const CALENDARS: Record<ResampleFrequency, Calendar> = {
  hour: {
    floor: (ms) => Math.floor(ms / HOUR_MS) * HOUR_MS,
    next: (start) => start + HOUR_MS,
    label: (start) => `${ymd(new Date(start))} ${pad(new Date(start).getUTCHours())}:00`,
    shortestMs: HOUR_MS,
    adjective: 'hourly',
  },
  day: {
    floor: (ms) => Math.floor(ms / DAY_MS) * DAY_MS,
    next: (start) => start + DAY_MS,
    label: (start) => ymd(new Date(start)),
    shortestMs: DAY_MS,
    adjective: 'daily',
  },
  week: {
    // 1970-01-01 was a Thursday: shift by 3 days so weeks start on Mondays.
    floor: (ms) => Math.floor((ms + 3 * DAY_MS) / (7 * DAY_MS)) * 7 * DAY_MS - 3 * DAY_MS,
    next: (start) => start + 7 * DAY_MS,
    label: (start) => ymd(new Date(start)),
    shortestMs: 7 * DAY_MS,
    adjective: 'weekly',
  },
  month: {
    floor: (ms) => monthStart(ms, 1),
    next: (start) => addMonths(start, 1),
    label: (start) => ym(new Date(start)),
    shortestMs: 28 * DAY_MS,
    adjective: 'monthly',
  },
  quarter: {
    floor: (ms) => monthStart(ms, 3),
    next: (start) => addMonths(start, 3),
    label: (start) => ym(new Date(start)),
    shortestMs: 89 * DAY_MS,
    adjective: 'quarterly',
  },
  year: {
    floor: (ms) => monthStart(ms, 12),
    next: (start) => addMonths(start, 12),
    label: (start) => pad(new Date(start).getUTCFullYear(), 4),
    shortestMs: 365 * DAY_MS,
    adjective: 'yearly',
  },
};

/** Whether the spec changes the time axis (and so needs a time column). */
export function preparesTime(spec: Pick<DataSpec, 'resample' | 'dateRange'>): boolean {
  return spec.resample !== null || (spec.dateRange !== null && (spec.dateRange.from !== null || spec.dateRange.to !== null));
}

/** The date range, then the resampling, of the spec applied to the rows. */
export function prepareTimeAxis(rows: TimedColumns, spec: Pick<DataSpec, 'resample' | 'dateRange'>, context: TimeContext): TimedColumns {
  if (!preparesTime(spec)) return rows;
  const times = rowTimes(rows.time, context);
  let kept = { rows, times };
  if (spec.dateRange) kept = filterDateRange(kept.rows, kept.times, spec.dateRange, context);
  return spec.resample ? resample(kept.rows, kept.times, spec.resample, context) : kept.rows;
}

/** Each row's time in ms; a sentence for a row whose label is not a date. */
function rowTimes(time: string[], { fileName, timeColumn, format }: TimeContext): Float64Array {
  const times = new Float64Array(time.length);
  for (let row = 0; row < time.length; row++) {
    const ms = timeLabelMs(time[row], format);
    if (ms === null) {
      const read = format ? ` in its format ${format}` : '';
      throw new InvalidInputError(
        `Row ${row + 1} of ${fileName} has the time "${time[row].slice(0, 60)}" in "${timeColumn}", which cannot be read as a date${read}; a date range and resampling need a date or time in every row.`,
      );
    }
    times[row] = ms;
  }
  return times;
}

/** The first instant of a bound and the first instant after it: 2013 → [2013-01-01, 2014-01-01). */
function boundPeriod(bound: string): [number, number] {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?$/.exec(bound.trim());
  if (!m) throw new InvalidInputError(`The date "${bound}" is not a date such as 2012-01-31 (or 2012, 2012-01, 2012-01-31 06:00).`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => (part === undefined ? null : Number(part)));
  const start = utcTime(y!, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  if (start === null) throw new InvalidInputError(`The date "${bound}" does not exist.`);
  let end: number;
  if (mo === null) end = addMonths(start, 12);
  else if (d === null) end = addMonths(start, 1);
  else if (h === null) end = start + DAY_MS;
  else end = start + (s === null ? 60_000 : 1000);
  return [start, end];
}

function filterDateRange(
  rows: TimedColumns,
  times: Float64Array,
  range: NonNullable<DataSpec['dateRange']>,
  context: TimeContext,
): { rows: TimedColumns; times: Float64Array } {
  const from = range.from === null ? -Infinity : boundPeriod(range.from)[0];
  const before = range.to === null ? Infinity : boundPeriod(range.to)[1];
  const described = `${range.from ?? 'the start'} to ${range.to ?? 'the end'}`;
  if (from >= before) throw new InvalidInputError(`The date range ${described} is empty: its start must not be after its end.`);
  const keep: number[] = [];
  for (let row = 0; row < times.length; row++) if (times[row] >= from && times[row] < before) keep.push(row);
  if (keep.length === 0) {
    const span = times.length ? ` its times run from ${rows.time[0]} to ${rows.time[times.length - 1]}` : ' it has no rows';
    throw new InvalidInputError(`No rows of ${context.fileName} fall in the date range ${described};${span}.`);
  }
  return {
    rows: { time: keep.map((row) => rows.time[row]), columns: rows.columns.map((column) => Float64Array.from(keep, (row) => column[row])) },
    times: Float64Array.from(keep, (row) => times[row]),
  };
}

/** Median of the positive steps between consecutive times (0 when there are none). */
function typicalStep(times: Float64Array): number {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) steps.push(times[i] - times[i - 1]);
  steps.sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)] : 0;
}

function describeStep(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? 'one day' : `${ms / DAY_MS} days`;
  if (ms % HOUR_MS === 0) return ms === HOUR_MS ? 'one hour' : `${ms / HOUR_MS} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}

function resample(rows: TimedColumns, times: Float64Array, spec: NonNullable<DataSpec['resample']>, context: TimeContext): TimedColumns {
  const calendar = CALENDARS[spec.every];
  const step = typicalStep(times);
  if (step >= calendar.shortestMs) {
    throw new InvalidInputError(
      `${context.fileName}'s rows are already ${describeStep(step)} apart (the typical step of "${context.timeColumn}"), so ${calendar.adjective} periods would not combine rows; resample to a coarser frequency than the data, or not at all.`,
    );
  }
  let first = Infinity;
  let last = -Infinity;
  for (const t of times) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const starts: number[] = [];
  for (let start = calendar.floor(first); start <= last; start = calendar.next(start)) {
    starts.push(start);
    if (starts.length > MAX_PERIODS) {
      throw new InvalidInputError(
        `${context.fileName}'s times run from ${new Date(first).toISOString().slice(0, 10)} to ${new Date(last).toISOString().slice(0, 10)}: more than ${MAX_PERIODS.toLocaleString('en-US')} ${calendar.adjective} periods; pick a coarser frequency or a date range.`,
      );
    }
  }
  const periodOf = new Int32Array(times.length);
  for (let row = 0; row < times.length; row++) periodOf[row] = periodIndex(starts, calendar.floor(times[row]));
  const columns = rows.columns.map((column) => aggregate(column, periodOf, times, starts.length, spec.how));
  return { time: starts.map((start) => calendar.label(start)), columns };
}

/** Index of `start` in the ascending period starts (binary search; it is always there). */
function periodIndex(starts: number[], start: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function aggregate(
  column: Float64Array,
  periodOf: Int32Array,
  times: Float64Array,
  periods: number,
  how: NonNullable<DataSpec['resample']>['how'],
): Float64Array {
  const out = new Float64Array(periods).fill(NaN);
  const counts = new Float64Array(periods);
  const lastTime = new Float64Array(periods).fill(-Infinity);
  for (let row = 0; row < column.length; row++) {
    const value = column[row];
    if (Number.isNaN(value)) continue;
    const p = periodOf[row];
    const seen = counts[p]++ > 0;
    if (how === 'mean' || how === 'sum') out[p] = seen ? out[p] + value : value;
    else if (how === 'min') out[p] = seen ? Math.min(out[p], value) : value;
    else if (how === 'max') out[p] = seen ? Math.max(out[p], value) : value;
    else if (times[row] >= lastTime[p]) {
      out[p] = value;
      lastTime[p] = times[row];
    }
  }
  if (how === 'mean') for (let p = 0; p < periods; p++) if (counts[p] > 0) out[p] /= counts[p];
  return out;
}
