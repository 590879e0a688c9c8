/**
 * The text of a CSV file on its way to the parser, in pieces of any size: every line end (CRLF, LF or a
 * lone CR, mixed in any way) becomes LF, so papaparse, which splits on one kind of line end only, reads
 * every row; and the quoting is followed as papaparse follows it (a quote opens a field only at its start,
 * `""` inside is a quote), so a quote that is never closed, or a row longer than MAX_ROW_CHARS, is refused
 * with its line number before the parser would gather the rest of the file into one cell.
 */
import { InvalidInputError } from '../../../contract/run-config.js';

/** Most characters of one row (all its lines, for a quoted cell holding line ends). */
export const MAX_ROW_CHARS = 1024 * 1024;

const QUOTE = 34; // "

interface LineEndCounts {
  crlf: number;
  lf: number;
  cr: number;
}

export class CsvTextNormaliser {
  /** Physical line (1-based) where the current row starts, and the current line. */
  private rowLine = 1;
  private line = 1;
  private rowChars = 0;
  private inQuotes = false;
  /** A quote closing or escaping was the last character seen inside quotes: the next one decides. */
  private quoteAtEnd = false;
  private fieldStart = true;
  private quoteLine = 0;
  /** A CR at the end of a piece: LF may follow in the next one. */
  private heldCR = false;
  private readonly delimiter: number;
  readonly lineEnds: LineEndCounts = { crlf: 0, lf: 0, cr: 0 };

  constructor(
    private readonly name: string,
    delimiter: string,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The next piece of text with LF line ends; throws InvalidInputError on a runaway quote or row. */
  push(piece: string): string {
    let text = this.heldCR ? `\r${piece}` : piece;
    this.heldCR = false;
    if (text.endsWith('\r')) {
      this.heldCR = true;
      text = text.slice(0, -1);
    }
    const normalised = this.normalise(text);
    this.follow(normalised);
    return normalised;
  }

  /** The end of the text: what is still held, after checking that every quote was closed. */
  end(): string {
    const rest = this.heldCR ? this.normalise('\r') : '';
    this.heldCR = false;
    this.follow(rest);
    if (this.inQuotes && !this.quoteAtEnd) {
      throw new InvalidInputError(
        `${this.name}: the quote that opens a cell on line ${this.quoteLine} is never closed, so every line after it would be read as one cell; fix the quotes on line ${this.quoteLine}.`,
      );
    }
    return rest;
  }

  /** The line ends seen, in words, when the text mixes them; else null. */
  mixedLineEnds(): string | null {
    const kinds = (Object.entries(this.lineEnds) as [keyof LineEndCounts, number][]).filter(([, count]) => count > 0);
    if (kinds.length < 2) return null;
    const names = { crlf: 'CRLF', lf: 'LF', cr: 'CR' };
    return `The file mixes line ends (${kinds.map(([kind, count]) => `${count} ${names[kind]}`).join(', ')}); all its lines were read.`;
  }

  private normalise(text: string): string {
    if (text.indexOf('\r') < 0) {
      this.lineEnds.lf += countLf(text);
      return text;
    }
    return text.replace(/\r\n|\r|\n/g, (end) => {
      if (end === '\r\n') this.lineEnds.crlf++;
      else if (end === '\r') this.lineEnds.cr++;
      else this.lineEnds.lf++;
      return '\n';
    });
  }

  /** Follow quotes and rows through `text`, jumping from quote to quote and line end to line end. */
  private follow(text: string): void {
    let i = 0;
    while (i < text.length) {
      if (this.inQuotes) {
        if (this.quoteAtEnd) {
          this.quoteAtEnd = false;
          if (text.charCodeAt(i) === QUOTE) {
            this.count(1); // "" inside quotes: a quote character
            i++;
            continue;
          }
          this.inQuotes = false; // the quote before closed the cell; text[i] is read outside quotes
          continue;
        }
        const quote = text.indexOf('"', i);
        const end = quote < 0 ? text.length : quote;
        for (let at = text.indexOf('\n', i); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) this.line++;
        this.count(end - i);
        if (quote < 0) return;
        this.quoteAtEnd = true;
        this.count(1);
        i = quote + 1;
        continue;
      }
      const quote = text.indexOf('"', i);
      const end = quote < 0 ? text.length : quote;
      this.followUnquoted(text, i, end);
      if (quote < 0) return;
      if (this.fieldStart) {
        this.inQuotes = true;
        this.quoteLine = this.line;
      }
      this.fieldStart = false;
      this.count(1);
      i = quote + 1;
    }
  }

  /** Text outside quotes, from `from` to `to` (no quote in it): only rows and their lengths to follow. */
  private followUnquoted(text: string, from: number, to: number): void {
    for (let end = text.indexOf('\n', from); end >= 0 && end < to; end = text.indexOf('\n', from)) {
      this.count(end - from);
      this.endRow();
      from = end + 1;
    }
    if (from < to) {
      this.count(to - from);
      this.fieldStart = text.charCodeAt(to - 1) === this.delimiter;
    }
  }

  private endRow(): void {
    this.line++;
    this.rowLine = this.line;
    this.rowChars = 0;
    this.fieldStart = true;
  }

  private count(chars: number): void {
    this.rowChars += chars;
    if (this.rowChars <= MAX_ROW_CHARS) return;
    const limit = `${MAX_ROW_CHARS.toLocaleString('en-US')} characters`;
    if (this.inQuotes) {
      throw new InvalidInputError(
        `${this.name}: the quote that opens a cell on line ${this.quoteLine} is not closed within ${limit}, so the rest of the file would be read as one cell; fix the quotes on line ${this.quoteLine}.`,
      );
    }
    throw new InvalidInputError(`${this.name}: line ${this.rowLine} is longer than ${limit}; a row of a table this app reads is shorter (is it a CSV file?).`);
  }
}

function countLf(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** Whole text in memory through the same checks; returns it with LF line ends. */
export function normaliseCsvText(text: string, name: string, delimiter: string): { text: string; normaliser: CsvTextNormaliser } {
  const normaliser = new CsvTextNormaliser(name, delimiter);
  const body = normaliser.push(text) + normaliser.end();
  return { text: body, normaliser };
}
