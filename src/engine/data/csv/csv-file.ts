/**
 * Reading a CSV file from disk: detect its dialect from the first bytes, then stream the whole file
 * through papaparse in chunks, hashing the bytes on the way, so a large file is never held in memory.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import Papa from 'papaparse';
import { InvalidInputError } from '../../../contract/run-config.js';
import { openRegularFile } from '../regular-file.js';
import { CsvTextNormaliser } from './csv-text.js';
import { decodeSample, SAMPLE_BYTES, sniffDialect, type Dialect } from './dialect.js';
import { TableScanner, type ScanRequest, type TableScan } from './table-scanner.js';

/** Bytes read and parsed at a time. */
const CHUNK_BYTES = 64 * 1024;

export type ProgressCallback = (fraction: number) => void;

export interface CsvFile {
  path: string;
  name: string;
  sizeBytes: number;
  dialect: Dialect;
  /** The first table rows, header included, to plan which columns to read. */
  sampleRows: string[][];
}

export interface FileScan extends TableScan {
  sha256: string;
}

/** Open a CSV file and detect its dialect from its first bytes. */
export async function openCsvFile(path: string): Promise<CsvFile> {
  const name = basename(path);
  const { bytes, sizeBytes } = await readFirstBytes(path, name);
  const isWholeFile = bytes.length === sizeBytes;
  const { dialect, sampleRows } = sniffDialect(decodeSample(bytes, name, isWholeFile), isWholeFile, name);
  return { path, name, sizeBytes, dialect, sampleRows };
}

async function readFirstBytes(path: string, name: string): Promise<{ bytes: Uint8Array; sizeBytes: number }> {
  const { handle, size } = await openRegularFile(path, name, (error) => unreadable(name, error));
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: new Uint8Array(Math.min(size, SAMPLE_BYTES)) });
    return { bytes: buffer.subarray(0, bytesRead), sizeBytes: size };
  } catch (error) {
    throw unreadable(name, error);
  } finally {
    await handle.close();
  }
}

/**
 * Parse the whole file in chunks into a TableScan, reporting progress as a fraction of the bytes read.
 * Line ends of any kind (mixed too) reach the parser as LF; a runaway quote or row is refused with its line.
 */
export async function scanCsvFile(file: CsvFile, request: ScanRequest, onProgress?: ProgressCallback): Promise<FileScan> {
  const { handle } = await openRegularFile(file.path, file.name, (error) => unreadable(file.name, error));
  const scanner = new TableScanner(file.dialect, request);
  const lines = new CsvTextNormaliser(file.name, file.dialect.delimiter);
  const hash = createHash('sha256');
  const decoder = new TextDecoder(file.dialect.encoding);
  let bytesRead = 0;
  const progress = throttledProgress(onProgress);
  const source = handle.createReadStream({ highWaterMark: CHUNK_BYTES });
  const text = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      try {
        done(null, lines.push(decoder.decode(chunk, { stream: true })));
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        done(null, lines.push(decoder.decode()) + lines.end());
      } catch (error) {
        done(error as Error);
      }
    },
  });
  let streamError: unknown = null;
  pipeline(source, text, (error) => {
    if (error) streamError = error; // a read error or a refused line reaches papaparse through `text`
  });

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      reject(error);
    };
    Papa.parse<string[]>(text, {
      delimiter: file.dialect.delimiter,
      newline: '\n',
      chunk(results, parser) {
        try {
          scanner.consume(results.data, results.errors.length);
          progress(file.sizeBytes > 0 ? bytesRead / file.sizeBytes : 1);
        } catch (error) {
          fail(error);
          parser.abort();
        }
      },
      complete() {
        if (settled) return;
        if (streamError) {
          fail(streamError instanceof InvalidInputError ? streamError : unreadable(file.name, streamError));
          return;
        }
        settled = true;
        progress(1);
        const scan = scanner.finish();
        const mixed = lines.mixedLineEnds();
        resolve({ ...scan, warnings: mixed ? [mixed, ...scan.warnings] : scan.warnings, sha256: hash.digest('hex') });
      },
      error(error) {
        fail(error instanceof InvalidInputError ? error : unreadable(file.name, error));
      },
    });
  });
}

/** Passes on a fraction only when it has grown by a percent or reached 1, so hosts are not flooded. */
function throttledProgress(onProgress: ProgressCallback | undefined): ProgressCallback {
  let reported = 0;
  return (fraction) => {
    const clamped = Math.min(1, fraction);
    if (!onProgress || (clamped - reported < 0.01 && clamped < 1) || clamped === reported) return;
    reported = clamped;
    onProgress(clamped);
  };
}

/** One sentence for a file that cannot be read: vanished, a folder, not permitted, or another reason. */
export function unreadable(name: string, error: unknown): InvalidInputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'the file does not exist (it may have been moved or deleted)',
    EISDIR: 'it is a folder, not a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
  };
  return new InvalidInputError(`${name} cannot be read: ${reasons[code ?? ''] ?? (error as Error).message}.`);
}
