/**
 * Running statistics of one CSV column, fed cell by cell, from which its type is decided at the end.
 */
import type { ColumnInfo, ColumnRole, ColumnType } from '../../../contract/datasets.js';
import { DATE_PATTERNS, isMissingValue, matchDate, parseNumber, previewCell, SLASH_DATE } from './values.js';

/** Share of the present values that must be numbers (or dates of one format) to type the column so. */
const TYPE_SHARE = 0.95;
/** A text column with at most this many distinct values (and repeats) is categorical. */
const MAX_CATEGORIES = 50;
/** Format of slash dates whose parts never exceed 12, so day/month and month/day both fit. */
export const AMBIGUOUS_SLASH_DATE = 'DD/MM/YYYY or MM/DD/YYYY';

export class ColumnProfile {
  missing = 0;
  present = 0;
  numbers = 0;
  min = Infinity;
  max = -Infinity;
  /** First value that is present but not a number, for messages. */
  firstNonNumber: string | null = null;
  private readonly dateCounts = new Array<number>(DATE_PATTERNS.length).fill(0);
  private lastDatePattern = 0;
  private slashFirstMax = 0;
  private slashSecondMax = 0;
  private readonly distinct = new Set<string>();
  /** Every number so far a whole number one more than the one before (1, 2, 3, ...: a row number). */
  private countsUp = true;
  private previous = NaN;

  constructor(
    readonly name: string,
    private readonly decimalComma: boolean,
  ) {}

  /** Record one cell; returns its number, or NaN when it is missing or not a number. */
  add(cell: string): number {
    const trimmed = cell.trim();
    if (isMissingValue(trimmed)) {
      this.missing++;
      return NaN;
    }
    this.present++;
    const value = parseNumber(trimmed, this.decimalComma);
    if (!Number.isNaN(value)) {
      if (this.numbers > 0 && value !== this.previous + 1) this.countsUp = false;
      if (!Number.isInteger(value)) this.countsUp = false;
      this.previous = value;
      this.numbers++;
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
      return value;
    }
    this.firstNonNumber ??= previewCell(trimmed);
    if (this.distinct.size <= MAX_CATEGORIES) this.distinct.add(trimmed);
    this.countDate(trimmed);
    return NaN;
  }

  get nonNumbers(): number {
    return this.present - this.numbers;
  }

  get type(): ColumnType {
    if (this.present === 0) return 'empty';
    if (this.numbers >= TYPE_SHARE * this.present) return 'numeric';
    if (this.dateFormat !== null) return 'date';
    const categories = this.distinct.size;
    if (categories <= MAX_CATEGORIES && categories * 2 <= this.nonNumbers) return 'categorical';
    return 'text';
  }

  /** The date format most values follow, or null when the column is not dates. */
  get dateFormat(): string | null {
    const count = Math.max(...this.dateCounts);
    if (count === 0 || count < TYPE_SHARE * this.present) return null;
    const pattern = this.dateCounts.indexOf(count);
    return pattern === SLASH_DATE ? this.slashFormat : DATE_PATTERNS[pattern].format;
  }

  /** Slash dates: day/month when a first part exceeds 12, month/day when a second part does. */
  private get slashFormat(): string | null {
    const dayFirst = this.slashFirstMax > 12;
    const monthFirst = this.slashSecondMax > 12;
    if (dayFirst && monthFirst) return null;
    if (dayFirst) return 'DD/MM/YYYY';
    if (monthFirst) return 'MM/DD/YYYY';
    return AMBIGUOUS_SLASH_DATE;
  }

  /**
   * What a numeric column is beside a measurement: 'row-number' when its values count up by one in every row
   * (No, index, id columns), 'constant' when they are all equal (pollution.csv's year in a one-year file); null otherwise.
   */
  get role(): ColumnRole | null {
    if (this.type !== 'numeric' || this.numbers < 2) return null;
    if (this.min === this.max) return 'constant';
    return this.countsUp && this.missing === 0 && this.numbers === this.present ? 'row-number' : null;
  }

  info(): ColumnInfo {
    const type = this.type;
    const numeric = type === 'numeric';
    return {
      role: this.role,
      name: this.name,
      type,
      missing: this.missing,
      format: type === 'date' ? this.dateFormat : null,
      min: numeric ? this.min : null,
      max: numeric ? this.max : null,
    };
  }

  private countDate(trimmed: string): void {
    const date = matchDate(trimmed, this.lastDatePattern);
    if (!date) return;
    this.lastDatePattern = date.pattern;
    this.dateCounts[date.pattern]++;
    if (date.pattern === SLASH_DATE) {
      this.slashFirstMax = Math.max(this.slashFirstMax, Number(date.match[1]));
      this.slashSecondMax = Math.max(this.slashSecondMax, Number(date.match[2]));
    }
  }
}
