/**
 * Time labels computed from a series' own labels when they are regular: 'YYYY-MM' (a constant number of
 * months apart), 'YYYY-MM-DD' (a constant number of days apart) or plain numbers (a constant step). The one
 * module for time labels in the engine:
 * - `projectTimeLabels`: the labels of rows beyond the end of the data (the forecast's); nulls otherwise.
 * - `regularTimeAxis`: a label for any row index of a chart axis from the rows whose labels are known
 *   (e.g. every 12th row of a tutorial-windowed series); null when they do not advance evenly.
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
