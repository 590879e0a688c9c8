/**
 * Time labels computed from a series' own labels when they are regular: 'YYYY-MM' (a constant number of
 * months apart), 'YYYY-MM-DD' (a constant number of days apart) or plain numbers (a constant step). The one
 * module for time labels in the engine:
 * - `projectTimeLabels`: the labels of rows beyond the end of the data (the forecast's); nulls otherwise.
 * - `regularTimeAxis`: a label for any row index of a chart axis from the rows whose labels are known
 *   (e.g. every 12th row of a tutorial-windowed series); null when they do not advance evenly.
 * - `timeLabelMs`: a label as a point in time, in its column's date format (season detection, resampling,
 *   date ranges).
 * - `projectTimesMs`: the points in time of rows beyond the end of the data (calendar features of the forecast).
 */
import { extent } from '../../contract/extent.js';


interface LabelFormat {
  /** The label as a number on an evenly spaced scale, or null if it is not in this format. */
  parse(label: string): number | null;
  format(value: number): string;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const DAY_MS = 86_400_000;

const MONTHLY: LabelFormat = {
  parse(label) {
    const match = /^(\d{4})-(\d{2})$/.exec(label);
    if (!match) return null;
    const month = Number(match[2]);
    return month >= 1 && month <= 12 ? Number(match[1]) * 12 + month - 1 : null;
  },
  format: (value) => `${pad(Math.floor(value / 12), 4)}-${pad((value % 12) + 1, 2)}`,
};

const DAILY: LabelFormat = {
  parse(label) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(label)) return null;
    const ms = Date.parse(`${label}T00:00:00Z`);
    // Date.parse accepts day 31 in 30-day months and rolls over; the round trip refuses it.
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== label ? null : ms / DAY_MS;
  },
  format: (value) => new Date(value * DAY_MS).toISOString().slice(0, 10),
};

const INTEGER: LabelFormat = {
  parse: (label) => (/^-?\d{1,15}$/.test(label) ? Number(label) : null),
  format: (value) => String(value),
};

const FORMATS = [MONTHLY, DAILY, INTEGER];

/** Numbers with up to `decimals` decimals (chart axes label fractional steps such as 1990.5 too). */
function decimalFormat(decimals: number): LabelFormat {
  return {
    parse: (label) => (/^-?\d{1,15}(\.\d{1,15})?$/.test(label) ? Number(label) : null),
    format: (value) => value.toFixed(decimals),
  };
}

/** The formats an axis tries for these labels: dates first, then numbers with as many decimals as they have. */
function axisFormats(labels: readonly string[]): LabelFormat[] {
  const decimals = extent(labels.map((label) => (label.split('.')[1] ?? '').length)).max;
  return [MONTHLY, DAILY, decimalFormat(Math.max(0, decimals))];
}

/** The format and constant step of the labels, or null when they are not regular. */
function regularScale(time: readonly string[]): { format: LabelFormat; last: number; step: number } | null {
  if (time.length < 2) return null;
  for (const format of FORMATS) {
    const values = time.map((label) => format.parse(label.trim()));
    if (values.some((v) => v === null)) continue;
    const numbers = values as number[];
    const step = numbers[1] - numbers[0];
    const constant = step !== 0 && numbers.every((v, i) => i === 0 || v - numbers[i - 1] === step);
    return constant ? { format, last: numbers[numbers.length - 1], step } : null;
  }
  return null;
}

/** Labels of the `count` rows after the last one ('1983-12' → '1984-01', '1984-02', ...), or nulls. */
export function projectTimeLabels(time: readonly string[] | null, count: number): (string | null)[] {
  const scale = time ? regularScale(time) : null;
  return Array.from({ length: count }, (_, i) => (scale ? scale.format.format(scale.last + scale.step * (i + 1)) : null));
}

/**
 * For chart axes: a label for ANY row index, from the (index, label) pairs that are known, when the labels
 * advance by the same amount per row (monthly data windowed every 12 rows, say). Null when they do not.
 */
export function regularTimeAxis(pairs: readonly { index: number; time: string | null }[]): ((index: number) => string) | null {
  const known = pairs
    .filter((p): p is { index: number; time: string } => p.time !== null)
    .map((p) => ({ index: p.index, time: p.time.trim() }))
    .sort((a, b) => a.index - b.index);
  if (known.length < 2) return null;
  const first = known[0];
  const last = known[known.length - 1];
  if (last.index === first.index) return null;
  const labels = known.map((p) => p.time);
  for (const format of axisFormats(labels)) {
    const values = labels.map((label) => format.parse(label));
    if (values.some((v) => v === null)) continue;
    const numbers = values as number[];
    const a = numbers[0];
    const perRow = (numbers[numbers.length - 1] - a) / (last.index - first.index);
    const regular = perRow !== 0 && known.every((p, i) => Math.abs(numbers[i] - (a + perRow * (p.index - first.index))) < 1e-6);
    if (!regular) return null;
    return (index) => format.format(Math.round((a + perRow * (index - first.index)) * 1e6) / 1e6);
  }
  return null;
}

/** Milliseconds of a UTC calendar time; years below 100 stay themselves (Date.UTC would add 1900); null for a day the month lacks. */
export function utcTime(year: number, month0: number, day = 1, hour = 0, minute = 0, second = 0): number | null {
  const date = new Date(0);
  date.setUTCFullYear(year, month0, day);
  date.setUTCHours(hour, minute, second, 0);
  const valid = date.getUTCMonth() === month0 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? date.getTime() : null;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function isoTime(text: string): number | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const local = utcTime(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (local === null) return null;
  const ms = local + Math.round(Number(`0${fraction}`) * 1000);
  if (!zone || zone === 'Z') return ms;
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return ms - (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000;
}

/**
 * A time label as milliseconds since 1970 (UTC; an offset written in a timestamp is honoured), or null when
 * it is not a date. `format` is its column's detected date format (ColumnInfo.format: 'DD.MM.YYYY',
 * 'DD/MM/YYYY', 'MM/DD/YYYY', 'Y-MM', ...); without one, ISO dates and date-times ('2012-03-01',
 * '2012-03-01 06:00'), 'YYYY-MM' (the first of the month) and 'YYYY Qn' / 'YYYY-Qn' are read. Slash dates
 * that could be day/month or month/day are not read.
 */
export function timeLabelMs(label: string, format: string | null = null): number | null {
  const text = label.trim();
  const dotted = format === 'DD.MM.YYYY' ? /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text) : null;
  if (dotted) return utcTime(Number(dotted[3]), Number(dotted[2]) - 1, Number(dotted[1]));
  const slash = format === 'DD/MM/YYYY' || format === 'MM/DD/YYYY' ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text) : null;
  if (slash) {
    const [first, second] = [Number(slash[1]), Number(slash[2])];
    return format === 'DD/MM/YYYY' ? utcTime(Number(slash[3]), second - 1, first) : utcTime(Number(slash[3]), first - 1, second);
  }
  const month = (format === 'Y-MM' ? /^(\d{1,4})-(\d{1,2})$/ : /^(\d{4})-(\d{1,2})$/).exec(text);
  if (month) return utcTime(Number(month[1]), Number(month[2]) - 1);
  const quarter = /^(\d{4})[ -]?Q([1-4])$/i.exec(text);
  if (quarter) return utcTime(Number(quarter[1]), (Number(quarter[2]) - 1) * 3);
  return isoTime(text);
}

/**
 * The times (ms) of the `count` rows after the last one, or null when they cannot be known: calendar steps
 * ('YYYY-MM' a month on, as projectTimeLabels), else a constant step in milliseconds between ISO dates and
 * date-times ('2012-03-01 06:00', an hour apart).
 */
export function projectTimesMs(time: readonly string[] | null, count: number): number[] | null {
  const projected = projectTimeLabels(time, count).map((label) => (label === null ? null : timeLabelMs(label)));
  if (projected.every((ms) => ms !== null)) return projected as number[];
  if (!time || time.length < 2) return null;
  const times = time.map((label) => timeLabelMs(label));
  if (times.some((ms) => ms === null)) return null;
  const ms = times as number[];
  const step = ms[1] - ms[0];
  if (step <= 0 || ms.some((v, i) => i > 0 && v - ms[i - 1] !== step)) return null;
  return Array.from({ length: count }, (_, i) => ms[ms.length - 1] + step * (i + 1));
}
