/**
 * Reading a CSV file from disk: detect its dialect from the first bytes, then stream the whole file
 * through papaparse in chunks, hashing the bytes on the way, so a large file is never held in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import Papa from 'papaparse';
import { InvalidInputError } from '../../../contract/run-config.js';
import { decodeSample, NEWLINES, SAMPLE_BYTES, sniffDialect, type Dialect } from './dialect.js';
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
  const { dialect, sampleRows } = sniffDialect(decodeSample(bytes, name, isWholeFile), isWholeFile);
  return { path, name, sizeBytes, dialect, sampleRows };
}

async function readFirstBytes(path: string, name: string): Promise<{ bytes: Uint8Array; sizeBytes: number }> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const { buffer, bytesRead } = await handle.read({ buffer: new Uint8Array(Math.min(size, SAMPLE_BYTES)) });
      return { bytes: buffer.subarray(0, bytesRead), sizeBytes: size };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadable(name, error);
  }
}

/** Parse the whole file in chunks into a TableScan, reporting progress as a fraction of the bytes read. */
export function scanCsvFile(file: CsvFile, request: ScanRequest, onProgress?: ProgressCallback): Promise<FileScan> {
  const scanner = new TableScanner(file.dialect, request);
  const hash = createHash('sha256');
  const decoder = new TextDecoder(file.dialect.encoding);
  let bytesRead = 0;
  const progress = throttledProgress(onProgress);
  const source = createReadStream(file.path, { highWaterMark: CHUNK_BYTES });
  const text = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
  pipeline(source, text, () => {}); // a read error reaches papaparse through `text`

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
      newline: NEWLINES[file.dialect.lineEnding],
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
        settled = true;
        progress(1);
        resolve({ ...scanner.finish(), sha256: hash.digest('hex') });
      },
      error(error) {
        fail(unreadable(file.name, error));
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
