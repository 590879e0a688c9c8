/**
 * Inspecting a CSV file: what the analyst sees after opening it (dialect, columns with their types
 * and missing counts, a preview, suggested target and time columns, warnings).
 */
import Papa from 'papaparse';
import type { ColumnInfo, CsvInspection } from '../../../contract/datasets.js';
import { InvalidInputError } from '../../../contract/run-config.js';
import { AMBIGUOUS_SLASH_DATE } from './column-profile.js';
import { openCsvFile, scanCsvFile, type ProgressCallback } from './csv-file.js';
import { normaliseCsvText } from './csv-text.js';
import { decodeSample, SAMPLE_BYTES, sniffDialect, type Dialect } from './dialect.js';
import { PROFILE_ONLY, scanRows, type TableScan } from './table-scanner.js';

export interface InspectOptions {
  /** Called as the file is read, with the fraction read so far (0 to 1). */
  onProgress?: ProgressCallback;
}

/** Inspect a CSV file, reading it in chunks; throws InvalidInputError when it cannot be used. */
export async function inspectCsv(path: string, options: InspectOptions = {}): Promise<CsvInspection> {
  const file = await openCsvFile(path);
  const scan = await scanCsvFile(file, PROFILE_ONLY, options.onProgress);
  return buildInspection({ path, name: file.name, sizeBytes: file.sizeBytes, dialect: file.dialect, scan });
}

/** Inspect CSV text already in memory (an upload, a test); `name` names it in messages. */
export function inspectCsvText(text: string, name: string): CsvInspection {
  const isWholeText = text.length <= SAMPLE_BYTES;
  const sample = new TextEncoder().encode(isWholeText ? text : text.slice(0, SAMPLE_BYTES));
  const { dialect } = sniffDialect(decodeSample(sample, name, isWholeText), isWholeText, name);
  // Line ends made LF (mixed ones too; quotes checked), without the BOM, and without the final line end
  // (which papaparse would return as one more empty row).
  const { text: normalised, normaliser } = normaliseCsvText(text.replace(/^\uFEFF/, ''), name, dialect.delimiter);
  const table = normalised.replace(/\n$/, '');
  const parsed = Papa.parse<string[]>(table, { delimiter: dialect.delimiter, newline: '\n' });
  const scan = scanRows(dialect, parsed.data, PROFILE_ONLY, parsed.errors.length);
  const mixed = normaliser.mixedLineEnds();
  if (mixed) scan.warnings.unshift(mixed);
  return buildInspection({ path: name, name, sizeBytes: Buffer.byteLength(text), dialect, scan });
}

interface InspectionParts {
  path: string;
  name: string;
  sizeBytes: number;
  dialect: Dialect;
  scan: TableScan;
}

function buildInspection({ path, name, sizeBytes, dialect, scan }: InspectionParts): CsvInspection {
  const columns = scan.profiles.map((profile) => profile.info());
  assertUsableTable(name, dialect, scan.rows, columns);
  return {
    path,
    name,
    sizeBytes,
    delimiter: dialect.delimiter,
    hasHeader: dialect.hasHeader,
    bom: dialect.bom,
    lineEnding: dialect.lineEnding,
    decimalComma: dialect.decimalComma,
    rows: scan.rows,
    skippedLines: scan.skippedLines,
    columns,
    preview: scan.preview,
    suggestedTarget: suggestTarget(columns),
    suggestedTime: suggestTime(columns),
    composedTime: composedTime(columns),
    warnings: [...encodingWarnings(dialect), ...scan.warnings, ...columnWarnings(scan)],
  };
}

/** Data rows and a numeric column are needed to forecast anything. */
export function assertUsableTable(name: string, dialect: Dialect, rows: number, columns: ColumnInfo[]): void {
  if (rows === 0) {
    throw new InvalidInputError(dialect.hasHeader ? `${name} has a header row but no data rows.` : `${name} has no data rows.`);
  }
  if (!columns.some((column) => column.type === 'numeric')) {
    const described = columns.map((column) => `${column.name} (${column.type})`).join(', ');
    throw new InvalidInputError(`${name} has no numeric column to forecast; its columns are ${described}.`);
  }
}

/** Column names that number rows rather than measure anything. */
const ROW_NUMBER_NAME = /^(no\.?|nr\.?|#|id|index|row|rownum)$/i;

/**
 * The tutorial's rule (the second column when it is numeric), passing over columns that are parts of a
 * date (year, month, ...), row numbers (by name, or values counting 1, 2, 3, ...) and constant columns, so
 * pollution.csv suggests pm2.5 rather than No or year.
 */
export function suggestTarget(columns: ColumnInfo[]): string | null {
  const timeParts = new Set(composedTime(columns)?.parts ?? []);
  const candidates = columns.filter((c) => c.type === 'numeric' && !timeParts.has(c.name) && !ROW_NUMBER_NAME.test(c.name.trim()) && !c.role);
  if (columns[1] && candidates.includes(columns[1])) return columns[1].name;
  return candidates[0]?.name ?? columns.find((column) => column.type === 'numeric')?.name ?? null;
}

export function suggestTime(columns: ColumnInfo[]): string | null {
  return columns.find((column) => column.type === 'date')?.name ?? null;
}

/** Parts of a date split over numeric columns, largest first. */
const TIME_PARTS = ['year', 'month', 'day', 'hour'] as const;

/**
 * A time made of numeric year and month (and day, and hour) columns, as in the Beijing pollution data;
 * null unless at least year and month are there. Its name joins the parts, e.g. "year-month-day-hour".
 */
export function composedTime(columns: ColumnInfo[]): CsvInspection['composedTime'] {
  const parts: string[] = [];
  for (const part of TIME_PARTS) {
    const column = columns.find((c) => c.type === 'numeric' && c.name.toLowerCase() === part);
    if (!column) break;
    parts.push(column.name);
  }
  return parts.length >= 2 ? { name: parts.join('-'), parts } : null;
}

/** The label of one row of a composed time: "2010-01-02 03:00", "2010-01-02" or "2010-01". */
export function composeTimeLabel(values: string[]): string {
  const [year, ...rest] = values.map((value) => value.trim());
  const [month, day, hour] = rest.map((value) => value.padStart(2, '0'));
  const date = [year, month, day].filter((part) => part !== undefined).join('-');
  return hour === undefined ? date : `${date} ${hour}:00`;
}

function encodingWarnings(dialect: Dialect): string[] {
  return dialect.encoding === 'utf-8' ? [] : ['The file is not UTF-8; it was read as Windows-1252 (Western European) text.'];
}

function columnWarnings(scan: TableScan): string[] {
  const warnings: string[] = [];
  for (const profile of scan.profiles) {
    const type = profile.type;
    if (type === 'numeric' && profile.nonNumbers > 0) {
      warnings.push(
        `Column "${profile.name}" has ${profile.nonNumbers} values that are not numbers, e.g. "${profile.firstNonNumber}"; they count as missing.`,
      );
    }
    if (type === 'date' && profile.dateFormat === AMBIGUOUS_SLASH_DATE) {
      warnings.push(`Column "${profile.name}" has dates that could be day/month or month/day; labels are shown as written.`);
    }
  }
  return warnings;
}
