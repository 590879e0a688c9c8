/**
 * Walks parsed CSV rows (in as many batches as the parser delivers) and keeps only what is needed:
 * column statistics, a short preview, and the numbers and time labels of the columns asked for.
 * Blank lines, lines before the first table row, trailing footer lines and the header are told apart
 * from data rows here.
 */
import { ColumnProfile } from './column-profile.js';
import { isBlankRow, type Dialect } from './dialect.js';
import { isMissingValue, previewCell } from './values.js';

export const PREVIEW_ROWS = 20;
/** Most irregular lines after the table that are still told apart as its footer. */
const MAX_FOOTER_LINES = 1000;

export interface ScanRequest {
  /** Column indices whose numbers are kept (NaN where missing or not a number). */
  numericColumns: number[];
  /** Makes the time label of a data row; null keeps no labels. */
  timeLabel: ((row: string[]) => string) | null;
  /** Column indices whose values are kept as category codes (for one-hot inputs); unset = none. */
  categoryColumns?: number[];
}

export const PROFILE_ONLY: ScanRequest = { numericColumns: [], timeLabel: null };

/** A column's values as codes into its distinct values (in order of first appearance); -1 = missing. */
export interface CategoryCodes {
  values: string[];
  codes: Int32Array;
}

/** Most distinct values a category column keeps; beyond them a value is coded -2 (too many to encode). */
export const MAX_CATEGORY_VALUES = 256;

export interface TableScan {
  /** Data rows. */
  rows: number;
  /** Blank lines, lines before the table and footer lines. */
  skippedLines: number;
  profiles: ColumnProfile[];
  preview: string[][];
  /** Numbers of the requested columns, by column index. */
  numbers: Map<number, Float64Array>;
  /** Category codes of the requested category columns, by column index. */
  categories: Map<number, CategoryCodes>;
  timeLabels: string[] | null;
  warnings: string[];
}

/** Scan rows that are all in memory at once (a sample, an upload). */
export function scanRows(dialect: Dialect, rows: string[][], request: ScanRequest = PROFILE_ONLY, quoteProblems = 0): TableScan {
  const scanner = new TableScanner(dialect, request);
  scanner.consume(rows, quoteProblems);
  return scanner.finish();
}

export class TableScanner {
  private rows = 0;
  private skippedLines = 0;
  private preambleLines = 0;
  private irregularRows = 0;
  private quoteProblems = 0;
  private inTable = false;
  /** Rows with an unexpected field count after the table started: footer lines if no table row follows. */
  private pending: string[][] = [];
  private readonly profiles: ColumnProfile[];
  private readonly preview: string[][] = [];
  private readonly numbers: Map<number, Float64Builder>;
  private readonly timeLabels: string[] | null;
  private readonly categories: Map<number, CategoryBuilder>;

  constructor(
    private readonly dialect: Dialect,
    private readonly request: ScanRequest,
  ) {
    this.profiles = dialect.columns.map((name) => new ColumnProfile(name, dialect.decimalComma));
    this.numbers = new Map(request.numericColumns.map((column) => [column, new Float64Builder()]));
    this.timeLabels = request.timeLabel ? [] : null;
    this.categories = new Map((request.categoryColumns ?? []).map((column) => [column, new CategoryBuilder()]));
  }

  /** Take the next batch of parsed rows; `quoteProblems` counts the parser's quote errors in it. */
  consume(rows: string[][], quoteProblems = 0): void {
    this.quoteProblems += quoteProblems;
    for (const row of rows) this.consumeRow(row);
  }

  finish(): TableScan {
    const footer = this.pending;
    this.skippedLines += footer.length;
    return {
      rows: this.rows,
      skippedLines: this.skippedLines,
      profiles: this.profiles,
      preview: this.preview,
      numbers: new Map([...this.numbers].map(([column, builder]) => [column, builder.build()])),
      categories: new Map([...this.categories].map(([column, builder]) => [column, builder.build()])),
      timeLabels: this.timeLabels,
      warnings: this.warnings(footer),
    };
  }

  private consumeRow(row: string[]): void {
    if (isBlankRow(row)) {
      this.skippedLines++;
      return;
    }
    const regular = row.length === this.dialect.fieldCount;
    if (!this.inTable) {
      if (!regular) {
        this.preambleLines++;
        this.skippedLines++;
        return;
      }
      this.inTable = true;
      if (this.dialect.hasHeader) return;
    }
    if (!regular) {
      this.pending.push(row);
      // More irregular lines in a row than a footer has: they, and all irregular lines after them, are
      // the table's (and not all held in memory).
      if (this.pending.length > MAX_FOOTER_LINES || this.irregularRows > MAX_FOOTER_LINES) this.takePending();
      return;
    }
    this.takePending();
    this.addDataRow(row);
  }

  /** The irregular rows held are table rows after all (a regular row follows, or too many to be a footer). */
  private takePending(): void {
    for (const held of this.pending) this.addDataRow(held);
    this.irregularRows += this.pending.length;
    this.pending = [];
  }

  private addDataRow(row: string[]): void {
    for (let column = 0; column < this.profiles.length; column++) {
      const value = this.profiles[column].add(row[column] ?? '');
      this.numbers.get(column)?.push(value);
    }
    for (const [column, builder] of this.categories) builder.push(row[column] ?? '');
    if (this.timeLabels) this.timeLabels.push(detachString(this.request.timeLabel!(row)));
    if (this.preview.length < PREVIEW_ROWS) this.preview.push(this.profiles.map((_, column) => detachString(previewCell(row[column] ?? ''))));
    this.rows++;
  }

  private warnings(footer: string[][]): string[] {
    const warnings: string[] = [];
    const fields = this.dialect.fieldCount;
    if (this.preambleLines > 0) warnings.push(`Skipped ${lines(this.preambleLines)} before the table.`);
    if (footer.length > 0) {
      const example = footer[0].join(this.dialect.delimiter).slice(0, 60);
      warnings.push(`Skipped ${lines(footer.length)} after the table, such as "${example}".`);
    }
    if (this.irregularRows > 0) {
      warnings.push(`${this.irregularRows} rows do not have ${fields} fields; their absent fields count as missing and extra fields are ignored.`);
    }
    if (this.quoteProblems > 0) warnings.push(`${this.quoteProblems} rows have unbalanced quotes; check those rows.`);
    return warnings;
  }
}

const lines = (count: number) => (count === 1 ? '1 line' : `${count} lines`);

/** A Float64Array that grows as values are pushed. */
class Float64Builder {
  private data = new Float64Array(1024);
  private length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  build(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Category codes of one column as rows are pushed. */
class CategoryBuilder {
  private readonly index = new Map<string, number>();
  private readonly codes = new Float64Builder();

  push(cell: string): void {
    const value = cell.trim();
    if (isMissingValue(value)) return this.codes.push(-1);
    let code = this.index.get(value);
    if (code === undefined && this.index.size < MAX_CATEGORY_VALUES) {
      code = this.index.size;
      this.index.set(detachString(value), code);
    }
    this.codes.push(code ?? -2);
  }

  build(): CategoryCodes {
    return { values: [...this.index.keys()], codes: Int32Array.from(this.codes.build()) };
  }
}

/**
 * A flat copy of a string that does not point into the parsed chunk. V8 represents a substring of 13
 * or more characters as a slice of its parent, so a million timestamp labels would otherwise keep
 * every chunk of the file's text alive; a round trip through bytes costs the least memory (measured).
 */
function detachString(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
