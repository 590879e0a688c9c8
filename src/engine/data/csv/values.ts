/**
 * What a single CSV cell holds: a missing value, a number (decimal point, or decimal comma in files
 * that use one) or a date in one of the formats the workbench recognises.
 */

/** Cells that count as missing, compared trimmed and case-insensitively. */
const MISSING_TOKENS = new Set(['', 'na', 'nan', '?', 'null']);

export function isMissingValue(trimmed: string): boolean {
  return trimmed.length <= 4 && MISSING_TOKENS.has(trimmed.toLowerCase());
}

const DECIMAL_POINT_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA_NUMBER = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The cell's number, or NaN when it is not a plain finite number (thousands separators are not numbers;
 * a value beyond float range such as 1e400 counts as missing rather than as Infinity).
 */
export function parseNumber(trimmed: string, decimalComma: boolean): number {
  let value = NaN;
  if (DECIMAL_POINT_NUMBER.test(trimmed)) value = Number(trimmed);
  else if (decimalComma && DECIMAL_COMMA_NUMBER.test(trimmed)) value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : NaN;
}

/** True for a number written with a decimal comma, such as 12,5. */
export function hasDecimalComma(trimmed: string): boolean {
  return DECIMAL_COMMA_NUMBER.test(trimmed) && trimmed.includes(',');
}

/** True for a number written with a decimal point, such as 12.5. */
export function hasDecimalPoint(trimmed: string): boolean {
  return DECIMAL_POINT_NUMBER.test(trimmed) && trimmed.includes('.');
}

const isMonth = (text: string) => Number(text) >= 1 && Number(text) <= 12;
const isDay = (text: string) => Number(text) >= 1 && Number(text) <= 31;

interface DatePattern {
  format: string;
  pattern: RegExp;
  valid: (match: RegExpExecArray) => boolean;
}

/**
 * Date formats in the order they are tried. Slash dates are matched as one pattern; whether they are
 * day/month or month/day is decided over the whole column (see SLASH_DATE).
 */
export const DATE_PATTERNS: readonly DatePattern[] = [
  { format: 'YYYY-MM-DD', pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, valid: (m) => isMonth(m[2]) && isDay(m[3]) },
  { format: 'YYYY-MM', pattern: /^(\d{4})-(\d{1,2})$/, valid: (m) => isMonth(m[2]) },
  // Year-month with a short year count, as in the shampoo sales data set ("1-01" = year 1, January).
  { format: 'Y-MM', pattern: /^(\d{1,3})-(\d{2})$/, valid: (m) => isMonth(m[2]) },
  {
    format: 'timestamp',
    pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/,
    valid: (m) => isMonth(m[2]) && isDay(m[3]),
  },
  { format: 'DD.MM.YYYY', pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, valid: (m) => isDay(m[1]) && isMonth(m[2]) },
  { format: 'slash', pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, valid: (m) => isDay(m[1]) && isDay(m[2]) },
];

export const SLASH_DATE = DATE_PATTERNS.findIndex((d) => d.format === 'slash');

export interface DateMatch {
  /** Index into DATE_PATTERNS. */
  pattern: number;
  match: RegExpExecArray;
}

/** The date pattern the cell matches, trying `likely` (e.g. the previous cell's pattern) first. */
export function matchDate(trimmed: string, likely = 0): DateMatch | null {
  for (let tried = 0; tried < DATE_PATTERNS.length; tried++) {
    const pattern = (likely + tried) % DATE_PATTERNS.length;
    const match = DATE_PATTERNS[pattern].pattern.exec(trimmed);
    if (match && DATE_PATTERNS[pattern].valid(match)) return { pattern, match };
  }
  return null;
}

/** Most characters of a cell shown in a preview or quoted in a message. */
export const PREVIEW_CELL_CHARS = 200;

/** A cell as shown to people: at most PREVIEW_CELL_CHARS characters, longer ones cut with "…". */
export function previewCell(text: string): string {
  return text.length <= PREVIEW_CELL_CHARS ? text : `${text.slice(0, PREVIEW_CELL_CHARS - 1)}…`;
}
