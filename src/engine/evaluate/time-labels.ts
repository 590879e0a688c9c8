/**
 * Time labels for rows beyond the end of the data, projected from the series' own labels when they are
 * regular: 'YYYY-MM' (a constant number of months apart), 'YYYY-MM-DD' (a constant number of days apart)
 * or plain integers (a constant step). Anything else projects to null labels.
 */

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
