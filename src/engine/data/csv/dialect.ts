/**
 * How a CSV file is written, detected from its first bytes: text encoding, BOM, line ends, delimiter,
 * decimal comma, field count of a table row, and whether the first table row is a header.
 */
import Papa from 'papaparse';
import { InvalidInputError } from '../../../contract/run-config.js';
import { hasDecimalComma, hasDecimalPoint, isMissingValue, matchDate, parseNumber } from './values.js';

/** Bytes read to detect the dialect. */
export const SAMPLE_BYTES = 64 * 1024;
/** Rows of the sample used to vote on the delimiter and the header. */
const SAMPLE_ROWS = 200;
/** Delimiters tried; on an equally consistent result the earlier one wins (a comma may be a decimal comma). */
const DELIMITERS = ['\t', ';', '|', ','] as const;

export type LineEnding = 'LF' | 'CRLF' | 'CR';

export interface Dialect {
  encoding: 'utf-8' | 'windows-1252';
  bom: boolean;
  lineEnding: LineEnding;
  delimiter: string;
  decimalComma: boolean;
  hasHeader: boolean;
  /** Fields in a table row; rows with another count are footer, preamble or irregular rows. */
  fieldCount: number;
  /** Column names: the header's, or "column 1", "column 2", ... */
  columns: string[];
}

export interface DecodedSample {
  text: string;
  encoding: Dialect['encoding'];
  bom: boolean;
}

/** Decode the first bytes of a file; rejects binary, UTF-16 and empty files with a sentence for people. */
export function decodeSample(bytes: Uint8Array, name: string, isWholeFile: boolean): DecodedSample {
  if (bytes.length === 0) throw new InvalidInputError(`${name} is empty.`);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InvalidInputError(`${name} is UTF-16 text; save it as UTF-8 CSV and open it again.`);
  }
  if (bytes.includes(0)) {
    throw new InvalidInputError(`${name} is not a text file (it contains binary data); if it is a spreadsheet, save it as CSV first.`);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const decoded = decodeText(bytes, isWholeFile);
  if (decoded.text.trim() === '') throw new InvalidInputError(`${name} is empty.`);
  return { ...decoded, bom };
}

function decodeText(bytes: Uint8Array, isWholeFile: boolean): Omit<DecodedSample, 'bom'> {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !isWholeFile }), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

export interface SniffedDialect {
  dialect: Dialect;
  /** Up to 200 non-blank sample rows from the first table row on, split by the detected dialect. */
  sampleRows: string[][];
}

/** Detect the dialect from decoded sample text; `isWholeFile` says whether the sample is the whole file. */
export function sniffDialect(sample: DecodedSample, isWholeFile: boolean, name = 'The file'): SniffedDialect {
  const lineEnding = detectLineEnding(sample.text);
  if (!isWholeFile && sample.text.search(/[\r\n]/) < 0) {
    throw new InvalidInputError(
      `${name}: its first line is longer than ${SAMPLE_BYTES / 1024} KB, so it is no table this app can read (a header of very many columns, or a very long column name?).`,
    );
  }
  // Mixed line ends are read as one kind (see csv-text.ts); the first one found is reported.
  const text = (isWholeFile ? sample.text : upToLastLineEnd(sample.text)).replace(/\r\n?/g, '\n');
  const newline = '\n';
  const tables = DELIMITERS.map((delimiter) => tableShape(text, delimiter, newline));
  const best = tables.reduce((winner, candidate) => (candidate.score > winner.score ? candidate : winner));
  // With no delimiter in the text the file is one column; call it comma-separated.
  const table = best.score > 0 ? best : tables[DELIMITERS.indexOf(',')];
  const rows = table.rows.slice(table.rows.findIndex((row) => row.length === table.fieldCount));
  const decimalComma = table.delimiter !== ',' && usesDecimalComma(rows);
  const hasHeader = detectHeader(rows, decimalComma);
  assertReadableHeader(name, table.fieldCount, hasHeader ? rows[0] : []);
  const dialect: Dialect = {
    encoding: sample.encoding,
    bom: sample.bom,
    lineEnding,
    delimiter: table.delimiter,
    decimalComma,
    hasHeader,
    fieldCount: table.fieldCount,
    columns: columnNames(hasHeader ? rows[0] : [], table.fieldCount),
  };
  return { dialect, sampleRows: rows };
}

/** Most columns a table may have. */
const MAX_COLUMNS = 10_000;
/** Most characters of a column name. */
const MAX_COLUMN_NAME_CHARS = 1_000;

/** Refuses a table of too many columns or with a column name too long to show, saying which. */
function assertReadableHeader(name: string, fieldCount: number, firstRow: string[]): void {
  if (fieldCount > MAX_COLUMNS) {
    throw new InvalidInputError(`${name} has ${fieldCount.toLocaleString('en-US')} columns; this app reads tables of at most ${MAX_COLUMNS.toLocaleString('en-US')} columns.`);
  }
  const long = firstRow.findIndex((cell) => cell.trim().length > MAX_COLUMN_NAME_CHARS);
  if (long >= 0) {
    throw new InvalidInputError(
      `Column ${long + 1} of ${name} has a name of ${firstRow[long].trim().length.toLocaleString('en-US')} characters; at most ${MAX_COLUMN_NAME_CHARS.toLocaleString('en-US')} are supported.`,
    );
  }
}

function detectLineEnding(text: string): LineEnding {
  const end = text.search(/[\r\n]/);
  if (end < 0 || text[end] === '\n') return 'LF';
  return text[end + 1] === '\n' ? 'CRLF' : 'CR';
}

function upToLastLineEnd(text: string): string {
  const end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return end > 0 ? text.slice(0, end) : text;
}

interface TableShape {
  delimiter: string;
  /** Non-blank sample rows split with this delimiter. */
  rows: string[][];
  /** The most common field count. */
  fieldCount: number;
  /** Share of rows with the most common field count; 0 when that count is 1 (the delimiter is absent). */
  score: number;
}

function tableShape(text: string, delimiter: string, newline: '\n'): TableShape {
  const parsed = Papa.parse<string[]>(text, { delimiter, newline, preview: SAMPLE_ROWS });
  const rows = parsed.data.filter((row) => !isBlankRow(row));
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.length, (counts.get(row.length) ?? 0) + 1);
  let fieldCount = 1;
  let rowsWithCount = 0;
  for (const [count, times] of counts) {
    if (times > rowsWithCount) [fieldCount, rowsWithCount] = [count, times];
  }
  const score = fieldCount > 1 ? rowsWithCount / rows.length : 0;
  return { delimiter, rows, fieldCount, score };
}

/** A line with no content: empty, or only delimiters and spaces. */
export function isBlankRow(row: string[]): boolean {
  return row.every((cell) => cell.trim() === '');
}

function usesDecimalComma(rows: string[][]): boolean {
  let commas = 0;
  let points = 0;
  for (const row of rows) {
    for (const cell of row) {
      const trimmed = cell.trim();
      if (hasDecimalComma(trimmed)) commas++;
      else if (hasDecimalPoint(trimmed)) points++;
    }
  }
  return commas > 0 && commas >= points;
}

const isValue = (cell: string, decimalComma: boolean) =>
  !Number.isNaN(parseNumber(cell.trim(), decimalComma)) || matchDate(cell.trim()) !== null;

/**
 * The first table row is a header when none of its cells is a number or date, and either some column
 * holds numbers or dates below it, or (an all-text table) its cells never recur in their column.
 */
function detectHeader(rows: string[][], decimalComma: boolean): boolean {
  const [first, ...rest] = rows;
  if (!first || first.some((cell) => isValue(cell, decimalComma))) return false;
  if (rest.length === 0) return first.every((cell) => !isMissingValue(cell.trim()));
  const valueColumn = first.some((_, i) => {
    const cells = rest.map((row) => row[i] ?? '').filter((cell) => !isMissingValue(cell.trim()));
    return cells.length > 0 && cells.filter((cell) => isValue(cell, decimalComma)).length >= cells.length / 2;
  });
  return valueColumn || first.every((cell, i) => rest.every((row) => row[i] !== cell));
}

/** Trimmed header names; blank ones become "column N" and repeated ones get " (2)", " (3)", ... */
function columnNames(header: string[], fieldCount: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: fieldCount }, (_, i) => {
    const name = header[i]?.trim() || `column ${i + 1}`;
    const times = (seen.get(name) ?? 0) + 1;
    seen.set(name, times);
    return times === 1 ? name : `${name} (${times})`;
  });
}
