/**
 * Property-based tests (fast-check): random bytes and random CSV-like text into inspection and loading.
 * Whatever the input, the result is an inspection that passes the contract schema (or a series), or an
 * InvalidInputError with one sentence for people; never another exception or a stack trace. The number
 * of runs is kept small so the suite stays fast; a failure prints the seed and the shrunk input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvInspectionSchema } from '../../../contract/datasets.js';
import { DataSpecSchema, InvalidInputError } from '../../../contract/run-config.js';
import { loadSeries } from '../load-series.js';
import { inspectCsv, inspectCsvText } from './inspect.js';

const folder = mkdtempSync(join(tmpdir(), 'csv-fuzz-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

/** The error, if any, is one sentence for people: an InvalidInputError, short, no stack frames. */
function expectOneSentence(error: unknown): void {
  expect(error).toBeInstanceOf(InvalidInputError);
  const message = (error as Error).message;
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThan(2000);
  expect(message).not.toMatch(/\n\s+at /);
}

async function settle<T>(work: () => Promise<T> | T): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error };
  }
}

/** Text built from the characters that matter to a CSV reader. */
const csvLikeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(',', ';', '\t', '|', '"', '""', '\n', '\r\n', '\r', ' ', '.', '-', ':', '/', 'NA', '\uFEFF'),
      fc.constantFrom('Month', 'Value', 'year', 'month', 'x', 'é'),
      fc.integer({ min: -1000, max: 100_000 }).map(String),
      fc.double({ noNaN: false }).map(String),
      fc.constantFrom('2020-01', '2020-01-31', '01/02/2020', '2020-02-30'),
    ),
    { maxLength: 400 },
  )
  .map((parts) => parts.join(''));

/** CSV-like rows: a header and numeric-ish cells, with occasional damage. */
const tableText = fc
  .record({
    delimiter: fc.constantFrom(',', ';', '\t'),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
    columns: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(fc.array(fc.oneof(fc.double().map(String), fc.constantFrom('', 'NA', '"', 'a"b', '"q"', '1,5')), { minLength: 1, maxLength: 6 }), { maxLength: 40 }),
  })
  .map(({ delimiter, lineEnd, columns, rows }) =>
    [Array.from({ length: columns }, (_, i) => `c${i}`).join(delimiter), ...rows.map((r) => r.join(delimiter))].join(lineEnd),
  );

const runs = { numRuns: Number(process.env.FUZZ_RUNS ?? 60) };

describe('inspection and loading never fail other than with one sentence', () => {
  it('random bytes, as a file: inspectCsv and loadSeries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        const path = join(folder, `bytes-${++files}.csv`);
        writeFileSync(path, bytes);
        const inspected = await settle(() => inspectCsv(path));
        if ('error' in inspected) expectOneSentence(inspected.error);
        else CsvInspectionSchema.parse(inspected.value);
        const loaded = await settle(() => loadSeries(DataSpecSchema.parse({ path })));
        if ('error' in loaded) expectOneSentence(loaded.error);
        else expect(loaded.value.features[0].length).toBeGreaterThan(0);
      }),
      runs,
    );
  }, 120_000);

  it('random CSV-like text: inspectCsvText, inspectCsv and loadSeries agree on success', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvLikeText, tableText), async (text) => {
        const fromText = await settle(() => inspectCsvText(text, 'fuzz.csv'));
        if ('error' in fromText) expectOneSentence(fromText.error);
        else CsvInspectionSchema.parse(fromText.value);
        const path = join(folder, `text-${++files}.csv`);
        writeFileSync(path, text);
        const fromFile = await settle(() => inspectCsv(path));
        if ('error' in fromFile) expectOneSentence(fromFile.error);
        else {
          CsvInspectionSchema.parse(fromFile.value);
          if ('value' in fromText) expect(fromFile.value.rows).toBe(fromText.value.rows);
        }
        const loaded = await settle(() => loadSeries(DataSpecSchema.parse({ path })));
        if ('error' in loaded) expectOneSentence(loaded.error);
      }),
      runs,
    );
  }, 120_000);
});
