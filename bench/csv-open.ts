/**
 * Opening a large CSV: writes a 1,000,000 x 5 file (about 50 MB) to a temp folder, then measures
 * inspectCsv and loadSeries (time and peak memory), each in a fresh Node process, next to a reference
 * measured in the same run: fs.readFile + text.split('\n'), which holds the whole text at once.
 *
 *   node --import tsx bench/csv-open.ts [rows]
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inspectCsv } from '../src/engine/data/csv/inspect.js';
import { loadSeries } from '../src/engine/data/load-series.js';

const MEASUREMENTS = ['reference', 'inspect', 'load'] as const;
type Measurement = (typeof MEASUREMENTS)[number];

export interface OpenFigures {
  seconds: number;
  /** Peak resident set size of the measuring process (process.resourceUsage().maxRSS), MB. */
  peakRssMB: number;
  /** Resident set size before the measured step started (Node + tsx + modules), MB. */
  startRssMB: number;
  /** Highest heapUsed sampled every 20 ms during the step, MB. */
  peakHeapMB: number;
  /** What the step produced, to show it did the work. */
  result: string;
}

export interface CsvOpenBench {
  rows: number;
  fileMB: number;
  reference: OpenFigures;
  inspect: OpenFigures;
  load: OpenFigures;
}

const MB = 1024 * 1024;
const round = (value: number) => Math.round(value * 100) / 100;

/** Write the file, measure each step in its own process, delete the file; prints and returns the figures. */
export async function benchCsvOpen(rows = 1_000_000): Promise<CsvOpenBench> {
  const folder = await mkdtemp(join(tmpdir(), 'csv-open-'));
  try {
    const path = join(folder, 'big.csv');
    await writeBigCsv(path, rows);
    const fileMB = round((await stat(path)).size / MB);
    const figures = {} as Record<Measurement, OpenFigures>;
    for (const measurement of MEASUREMENTS) figures[measurement] = await measureInChild(measurement, path);
    const bench = { rows, fileMB, ...figures };
    printFigures(bench);
    return bench;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** time,a,b,c,d with minute timestamps and four numeric columns, about 48 bytes a row. */
async function writeBigCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('time,a,b,c,d\n');
  const start = Date.UTC(2000, 0, 1);
  for (let row = 0; row < rows; row += 10_000) {
    const lines: string[] = [];
    for (let i = row; i < Math.min(rows, row + 10_000); i++) {
      const time = new Date(start + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
      lines.push(`${time},${(100 * Math.sin(i / 50)).toFixed(4)},${(i % 997) / 10},${(50 + 20 * Math.cos(i / 7)).toFixed(4)},${i}\n`);
    }
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function measureInChild(measurement: Measurement, path: string): Promise<OpenFigures> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--measure', measurement, path], {
    maxBuffer: 10 * MB,
  });
  return JSON.parse(stdout) as OpenFigures;
}

/** Run one step in this process and return its figures. */
async function measure(measurement: Measurement, path: string): Promise<OpenFigures> {
  const startRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
  const started = performance.now();
  const result = await STEPS[measurement](path);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  return {
    seconds: round(seconds),
    peakRssMB: round((process.resourceUsage().maxRSS * 1024) / MB),
    startRssMB: round(startRss / MB),
    peakHeapMB: round(peakHeap / MB),
    result,
  };
}

const STEPS: Record<Measurement, (path: string) => Promise<string>> = {
  async reference(path) {
    const lines = (await readFile(path, 'utf8')).split('\n');
    return `${lines.length} lines`;
  },
  async inspect(path) {
    let progressCalls = 0;
    const inspection = await inspectCsv(path, { onProgress: () => progressCalls++ });
    const columns = inspection.columns.map((column) => `${column.name}:${column.type}`).join(' ');
    return `${inspection.rows} rows, ${columns}, ${progressCalls} progress calls`;
  },
  async load(path) {
    const series = await loadSeries({ path, column: null, inputColumns: [], timeColumn: null, missing: 'interpolate' });
    return `${series.features[0].length} values of ${series.column}, time ${series.timeColumn}`;
  },
};

function printFigures(bench: CsvOpenBench): void {
  console.log(`\n# CSV open bench: ${bench.rows.toLocaleString('en')} rows x 5 columns, ${bench.fileMB} MB`);
  console.log('step                          seconds  peak RSS MB  (at start)  peak heap MB  result');
  const labels: Record<Measurement, string> = {
    reference: "readFile + split('\\n') (ref)",
    inspect: 'inspectCsv',
    load: 'loadSeries (1 column + time)',
  };
  for (const measurement of MEASUREMENTS) {
    const f = bench[measurement];
    console.log(
      `${labels[measurement].padEnd(30)}${String(f.seconds).padStart(7)}  ${String(f.peakRssMB).padStart(11)}  ` +
        `${String(f.startRssMB).padStart(10)}  ${String(f.peakHeapMB).padStart(12)}  ${f.result}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flag, measurement, path] = process.argv.slice(2);
  if (flag === '--measure') {
    console.log(JSON.stringify(await measure(measurement as Measurement, path)));
  } else {
    await benchCsvOpen(flag ? Number(flag) : undefined);
  }
}
