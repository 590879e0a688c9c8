/**
 * The run store: every run, as it happens, in one folder shared by the desktop app, browser mode and the CLI.
 *
 *   runsDir/<runId>/                 the run's bundle (written by the engine: model, metadata, predictions)
 *   runsDir/.checkpoints/<runId>/    the checkpoint while it trains (engine/train/checkpoint.ts)
 *   runsDir/.records/<runId>.json    the run's record: settings, status, losses, metrics, baselines
 *   runsDir/.records/<runId>.summary.json  what `list` shows of it (small: listing 1,000 runs reads only these)
 *   runsDir/.records/<runId>.result.json   the whole RunResult of a finished run (predictions, forecast…)
 *   runsDir/.records/limits.json     the size or count limit
 *   runsDir/.runs-index.json         every summary in one file, so `list` reads one file while nothing changed
 *                                    (checked by the records folder's mtime; per file by mtime and size
 *                                    otherwise); rebuilt when missing, stale or damaged
 *
 * Every file is written atomically (bundle/atomic.ts, write-file-atomic: a temporary file renamed into place), so a reader
 * sees the old or the new record, never half of one. A record left 'running' by a process that no longer
 * exists is reported 'interrupted' (and written so). A damaged file is reported and skipped.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { layerLabel } from '../../contract/cell-types.js';
import { InvalidInputError, type RunConfig } from '../../contract/run-config.js';
import {
  RunRecordSchema,
  RunSummarySchema,
  StoreLimitsSchema,
  type RunListing,
  type RunRecord,
  type RunSummary,
  type StoreLimits,
} from '../../contract/run-history.js';
import { RunResultSchema, type EpochRecord, type RunResult } from '../../contract/run-result.js';
import { describeFsError, replaceFileAtomically } from '../bundle/atomic.js';
import { checkpointDir, isRecoverable } from '../train/checkpoint-location.js';
import { testWindowOf, verdictFor } from './stats.js';

export const RECORDS_DIR = '.records';
const RECORD_SUFFIX = '.json';
const RESULT_SUFFIX = '.result.json';
const SUMMARY_SUFFIX = '.summary.json';
/** The summary file without what is computed when listing. */
const StoredSummarySchema = RunSummarySchema.omit({ recoverable: true });
type StoredSummary = Omit<RunSummary, 'recoverable'>;
const LIMITS_FILE = 'limits.json';
/** The index of summaries (beside the records folder, so writing it does not change that folder). */
export const INDEX_FILE = '.runs-index.json';
/** How long after its last change the records folder's timestamp is trusted to reveal the next change. */
const INDEX_SETTLE_MS = 2000;
interface RunIndex {
  version: 1;
  /** The records folder's mtime when the index was written (-1: check every file). */
  folderMtimeMs: number;
  /** Per run, its summary and the summary file's mtime and size when it was read. */
  entries: Record<string, { mtimeMs: number; size: number; summary: StoredSummary }>;
  problems: string[];
}
const RUN_ID = /^[A-Za-z0-9._-]{1,80}$/;

export interface RunStoreOptions {
  /** Which host writes the runs it begins. */
  origin: RunRecord['origin'];
}

export interface BeginRunOptions {
  name?: string;
  tags?: string[];
  sweepId?: string | null;
  sweepPoint?: number | null;
}

/** A run's layers as people read them, e.g. "LSTM(32)+GRU(16)". */
function modelLabel(config: RunConfig): string {
  return config.model.layers.map((l) => layerLabel(l)).join('+');
}

/** A short name for a run from its model, e.g. "SimpleRNN(3) on sunspots.csv" ("… on pollution.csv, day means" when resampled). */
export function describeSettings(config: RunConfig): string {
  const resample = config.data.resample;
  return `${modelLabel(config)} on ${basename(config.data.path)}${resample ? `, ${resample.every} ${resample.how}s` : ''}`;
}

/** The trainer a configuration asks for ('auto' until the run says which one it used). */
function trainerOf(config: RunConfig): string {
  return config.trainer;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function folderBytes(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += await folderBytes(join(path, name));
  return total;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Run `work` over items with at most `limit` at a time. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
}

function storedSummary(r: RunRecord): StoredSummary {
  return {
    runId: r.runId,
    name: r.name,
    tags: r.tags,
    pinned: r.pinned,
    status: r.status,
    failure: r.failure,
    stopReason: r.stopReason,
    dataset: { name: r.dataset.name, column: r.dataset.column },
    model: modelLabel(r.config),
    settings: {
      timeSteps: r.config.prep.timeSteps,
      windowing: r.config.prep.windowing,
      learningRate: r.config.training.learningRate,
      batchSize: r.config.training.batchSize,
      epochs: r.config.training.epochs,
    },
    seed: r.seed,
    trainer: r.trainer,
    backend: r.backend,
    origin: r.origin,
    owner: r.owner,
    startedAt: r.startedAt,
    durationSeconds: r.durationSeconds,
    epochsDone: r.history.length,
    testRmse: r.metrics?.test.original.rmse ?? null,
    testRmseScaled: r.metrics?.test.rmse ?? null,
    verdict: verdictFor(r.metrics?.test.original.rmse, r.baselines),
    bundleDir: r.bundleDir,
    bytes: r.bytes,
    sweepId: r.sweepId,
    sweepPoint: r.sweepPoint,
  };
}

export class RunStore {
  readonly dir: string;
  readonly recordsDir: string;
  /** Per run, the chain of pending changes, so changes from one process never overtake each other. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private madeDir = false;

  constructor(
    dir: string,
    private readonly options: RunStoreOptions,
  ) {
    this.dir = resolve(dir);
    this.recordsDir = join(this.dir, RECORDS_DIR);
  }

  private recordPath(runId: string): string {
    return join(this.recordsDir, `${runId}${RECORD_SUFFIX}`);
  }

  private summaryPath(runId: string): string {
    return join(this.recordsDir, `${runId}${SUMMARY_SUFFIX}`);
  }

  /** Write a record and then its summary (each atomically). */
  private async writeRecord(record: RunRecord): Promise<void> {
    await this.write(this.recordPath(record.runId), record);
    await this.write(this.summaryPath(record.runId), storedSummary(record));
  }

  /** The file holding a finished run's whole RunResult. */
  resultFile(runId: string): string {
    this.checkId(runId);
    return this.resultPath(runId);
  }

  private resultPath(runId: string): string {
    return join(this.recordsDir, `${runId}${RESULT_SUFFIX}`);
  }

  private checkId(runId: string): void {
    if (!RUN_ID.test(runId)) throw new InvalidInputError(`"${runId.slice(0, 80)}" is not a run id: run ids hold letters, digits, dot, dash or underscore.`);
  }

  private async write(path: string, value: unknown): Promise<void> {
    if (!this.madeDir) {
      try {
        await mkdir(this.recordsDir, { recursive: true });
      } catch (error) {
        throw describeFsError(error, `create the run store ${this.recordsDir}`) ?? error;
      }
      this.madeDir = true;
    }
    await replaceFileAtomically(path, JSON.stringify(value), `write the run file ${path}`);
  }

  private forget(runId: string, chain: Promise<unknown>): void {
    if (this.chains.get(runId) === chain) this.chains.delete(runId);
  }

  private serial<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.chains.set(runId, next);
    next.then(
      () => this.forget(runId, next),
      () => this.forget(runId, next),
    );
    return next;
  }

  /** Read one record; throws InvalidInputError naming the problem when it is missing or damaged. */
  private async readRecord(runId: string): Promise<RunRecord> {
    this.checkId(runId);
    let text: string;
    try {
      text = await readFile(this.recordPath(runId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InvalidInputError(`There is no run ${runId} in ${this.dir}.`);
      throw error;
    }
    return this.parseRecord(text, `${runId}${RECORD_SUFFIX}`);
  }

  private parseRecord(text: string, file: string): RunRecord {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new InvalidInputError(`The run file ${file} is damaged (not valid JSON: ${(error as Error).message}); it was skipped.`);
    }
    const parsed = RunRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(`The run file ${file} is damaged (${issue.path.join('.') || 'record'}: ${issue.message}); it was skipped.`);
    }
    return parsed.data;
  }

  /** Mark a record whose owning process has died as interrupted (and save that). */
  private async settleOrphan(record: RunRecord): Promise<RunRecord> {
    if (record.status !== 'running' || !this.isOrphan(record.owner)) return record;
    const interrupted: RunRecord = {
      ...record,
      status: 'interrupted',
      failure: {
        kind: 'interrupted',
        message: `The process that ran it (pid ${record.owner.pid}) ended before the run finished${record.history.length ? `, after epoch ${record.history.length}` : ''}.`,
      },
    };
    try {
      await this.serial(record.runId, () => this.writeRecord(interrupted));
    } catch {
      // Read-only store: report it interrupted all the same.
    }
    return interrupted;
  }

  /** Start the record of a run that is about to train. */
  async begin(runId: string, config: RunConfig, options: BeginRunOptions = {}): Promise<RunRecord> {
    this.checkId(runId);
    const record: RunRecord = {
      version: 1,
      runId,
      name: options.name ?? describeSettings(config),
      tags: options.tags ?? [],
      pinned: false,
      status: 'running',
      failure: null,
      stopReason: null,
      config,
      dataset: {
        name: basename(config.data.path),
        path: config.data.path,
        sha256: null,
        column: config.data.column,
        inputColumns: config.data.inputColumns,
        timeColumn: config.data.timeColumn || null,
      },
      trainer: trainerOf(config),
      backend: null,
      seed: config.training.seed,
      origin: this.options.origin,
      owner: { pid: process.pid, hostname: hostname() },
      startedAt: new Date().toISOString(),
      finishedAt: null,
      durationSeconds: null,
      epochsPlanned: config.training.epochs,
      history: [],
      metrics: null,
      baselines: [],
      testWindow: null,
      bundleDir: null,
      bytes: null,
      sweepId: options.sweepId ?? null,
      sweepPoint: options.sweepPoint ?? null,
    };
    await this.serial(runId, async () => {
      if (existsSync(this.recordPath(runId))) throw new InvalidInputError(`A run with id ${runId} is already stored.`);
      await this.writeRecord(record);
    });
    return record;
  }

  /** Change a stored record (read, change, write atomically, in order with this process's other changes). */
  private mutate(runId: string, change: (record: RunRecord) => RunRecord): Promise<RunRecord> {
    this.checkId(runId);
    return this.serial(runId, async () => {
      const next = change(await this.readRecord(runId));
      await this.writeRecord(next);
      return next;
    });
  }

  /** While training: the backend, seed and losses so far. */
  progress(runId: string, update: { backend?: string; seed?: number; history?: EpochRecord[] }): Promise<RunRecord> {
    return this.mutate(runId, (r) => ({
      ...r,
      backend: update.backend ?? r.backend,
      seed: update.seed ?? r.seed,
      config: update.seed !== undefined ? { ...r.config, training: { ...r.config.training, seed: update.seed } } : r.config,
      history: update.history ?? r.history,
    }));
  }

  /** The run finished (all epochs, early stopping, Stop, or recovered after a crash): keep its whole result. */
  async finish(runId: string, result: RunResult): Promise<RunRecord> {
    this.checkId(runId);
    await this.write(this.resultPath(runId), result);
    const bytes = (result.bundleDir ? await folderBytes(result.bundleDir) : 0) + (await folderBytes(this.resultPath(runId)));
    const record = await this.mutate(runId, (r) => ({
      ...r,
      status: result.stopReason === 'user' ? 'stopped' : 'finished',
      failure: null,
      stopReason: result.stopReason,
      config: result.config,
      dataset: {
        name: result.dataset.name,
        path: result.dataset.path,
        sha256: result.dataset.sha256,
        column: result.dataset.column,
        inputColumns: result.dataset.inputColumns,
        timeColumn: result.dataset.timeColumn,
      },
      backend: result.backend,
      trainer: result.trainer,
      seed: result.seed,
      finishedAt: new Date().toISOString(),
      durationSeconds: (Date.now() - Date.parse(r.startedAt)) / 1000,
      history: result.history,
      metrics: result.metrics,
      baselines: result.baselines.map((b) => ({ name: b.name, test: b.test })),
      testWindow: testWindowOf(result),
      bundleDir: result.bundleDir,
      bytes,
    }));
    await this.prune();
    return record;
  }

  /** The run failed: keep the sentence it failed with. */
  fail(runId: string, kind: string, message: string): Promise<RunRecord> {
    return this.mutate(runId, (r) => ({
      ...r,
      status: 'failed',
      failure: { kind, message },
      finishedAt: new Date().toISOString(),
      durationSeconds: (Date.now() - Date.parse(r.startedAt)) / 1000,
    }));
  }

  /** One run's record (a dead owner's 'running' run comes back 'interrupted'). */
  async get(runId: string): Promise<RunRecord> {
    return this.settleOrphan(await this.readRecord(runId));
  }

  /** A finished run's whole result, or null with the reason when it is not there. */
  async result(runId: string): Promise<{ result: RunResult | null; problem: string | null }> {
    this.checkId(runId);
    let text: string;
    try {
      text = await readFile(this.resultPath(runId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { result: null, problem: `Run ${runId} has no stored result (it did not finish).` };
      throw error;
    }
    try {
      const parsed = RunResultSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { result: parsed.data, problem: null };
      return { result: null, problem: `The stored result of run ${runId} is damaged (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}).` };
    } catch (error) {
      return { result: null, problem: `The stored result of run ${runId} is damaged (${(error as Error).message}).` };
    }
  }

  /**
   * Every run, newest first, with damaged files reported and skipped, and the disk they use. Answered from the
   * index (INDEX_FILE) while the records folder is unchanged since it was written; otherwise from the files,
   * reusing the index's summaries of the files that did not change, and the index is written again.
   */
  async list(): Promise<RunListing> {
    let folder;
    try {
      folder = await stat(this.recordsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return { runsDir: this.dir, runs: [], problems: [], diskBytes: 0, limits: await this.limits() };
    }
    const index = await this.readIndex();
    let stored: StoredSummary[];
    let problems: string[];
    if (index && index.folderMtimeMs === folder.mtimeMs) {
      stored = Object.values(index.entries).map((e) => e.summary);
      problems = index.problems;
    } else {
      ({ stored, problems } = await this.listFiles(index, folder.mtimeMs));
    }
    const runs = (
      await Promise.all(
        stored.map(async (summary) =>
          summary.status === 'running' && this.isOrphan(summary.owner) ? this.summaryOf(await this.settleOrphan(await this.readRecord(summary.runId))) : this.withRecoverable(summary),
        ),
      )
    ).sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : -1));
    const diskBytes = runs.reduce((sum, r) => sum + (r.bytes ?? 0), 0);
    return { runsDir: this.dir, runs, problems, diskBytes, limits: await this.limits() };
  }

  /** The index of summaries, or null when it is missing or damaged (it is then rebuilt). */
  private async readIndex(): Promise<RunIndex | null> {
    try {
      const index = JSON.parse(await readFile(join(this.dir, INDEX_FILE), 'utf8')) as RunIndex;
      // Only this store writes the index, from validated summaries: checking its frame and each entry's key
      // fields finds a damaged or foreign file without the cost of validating every summary field again.
      if (index?.version !== 1 || typeof index.folderMtimeMs !== 'number' || !Array.isArray(index.problems) || typeof index.entries !== 'object' || !index.entries) return null;
      for (const [runId, entry] of Object.entries(index.entries)) {
        const summary = entry?.summary;
        if (typeof entry.mtimeMs !== 'number' || typeof entry.size !== 'number' || summary?.runId !== runId || typeof summary.startedAt !== 'string' || typeof summary.status !== 'string') return null;
        if (typeof summary.name !== 'string' || !Array.isArray(summary.tags) || typeof summary.owner?.pid !== 'number' || typeof summary.settings !== 'object' || typeof summary.dataset?.name !== 'string') return null;
      }
      return index;
    } catch {
      return null;
    }
  }

  /** Read the summaries from the files (unchanged ones from the index) and write the index again. */
  private async listFiles(index: RunIndex | null, folderMtimeMs: number): Promise<{ stored: StoredSummary[]; problems: string[] }> {
    const names = await readdir(this.recordsDir);
    const present = new Set(names);
    const ids = names
      .filter((n) => n.endsWith(RECORD_SUFFIX) && !n.endsWith(RESULT_SUFFIX) && !n.endsWith(SUMMARY_SUFFIX) && n !== LIMITS_FILE && !n.startsWith('.'))
      .map((n) => n.slice(0, -RECORD_SUFFIX.length));
    const problems: string[] = [];
    const entries: RunIndex['entries'] = {};
    await mapLimited(ids, 64, async (runId) => {
      try {
        const hasSummary = present.has(`${runId}${SUMMARY_SUFFIX}`);
        const file = hasSummary ? await stat(this.summaryPath(runId)).catch(() => null) : null;
        const known = index?.entries[runId];
        if (file && known && known.mtimeMs === file.mtimeMs && known.size === file.size) {
          entries[runId] = known;
          return;
        }
        const summary = await this.summaryFor(runId, hasSummary);
        const { recoverable: _recoverable, ...storedPart } = summary;
        entries[runId] = { mtimeMs: file?.mtimeMs ?? 0, size: file?.size ?? 0, summary: storedPart };
      } catch (error) {
        const file = `${runId}${RECORD_SUFFIX}`;
        problems.push(error instanceof InvalidInputError ? error.message : `The run file ${file} could not be read (${(error as Error).message}); it was skipped.`);
      }
    });
    problems.sort();
    // A folder changed within the last seconds may change again within its timestamp's resolution: such an
    // index is used only through the file check above, never as a whole.
    const settled = Date.now() - folderMtimeMs > INDEX_SETTLE_MS;
    const next: RunIndex = { version: 1, folderMtimeMs: settled ? folderMtimeMs : -1, entries, problems };
    try {
      await replaceFileAtomically(join(this.dir, INDEX_FILE), JSON.stringify(next));
    } catch {
      // A read-only store is listed all the same.
    }
    return { stored: Object.values(entries).map((e) => e.summary), problems };
  }

  /** A run's summary from its summary file, else (missing or damaged) from its record. */
  private async summaryFor(runId: string, hasSummaryFile: boolean): Promise<RunSummary> {
    if (hasSummaryFile) {
      try {
        const parsed = StoredSummarySchema.safeParse(JSON.parse(await readFile(this.summaryPath(runId), 'utf8')));
        if (parsed.success) {
          const stored = parsed.data;
          if (stored.status !== 'running' || !this.isOrphan(stored.owner)) return this.withRecoverable(stored);
        }
      } catch {
        // Fall back to the record.
      }
    }
    return this.summaryOf(await this.settleOrphan(await this.readRecord(runId)));
  }

  private isOrphan(owner: RunRecord['owner']): boolean {
    return owner.hostname === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
  }

  private withRecoverable(stored: StoredSummary): RunSummary {
    // Interrupted (its process died), or failed after its process and the recovery's died: its checkpoint is kept.
    return { ...stored, recoverable: (stored.status === 'interrupted' || stored.status === 'failed') && isRecoverable(this.dir, stored.runId) };
  }

  /** What the list shows of a record. */
  summaryOf(record: RunRecord): RunSummary {
    return this.withRecoverable(storedSummary(record));
  }

  /** Rename, tag or pin a run. */
  update(runId: string, change: { name?: string; tags?: string[]; pinned?: boolean }): Promise<RunRecord> {
    return this.mutate(runId, (r) => ({
      ...r,
      name: change.name !== undefined ? change.name.trim() || describeSettings(r.config) : r.name,
      tags: change.tags !== undefined ? [...new Set(change.tags.map((t) => t.trim()).filter(Boolean))] : r.tags,
      pinned: change.pinned ?? r.pinned,
    }));
  }

  /**
   * Delete a run: its record, its result, its checkpoint and its bundle (when the bundle lies in the store).
   * A running run is refused unless `neverStarted` (a run recorded but never handed to training).
   */
  async delete(runId: string, options: { neverStarted?: boolean } = {}): Promise<boolean> {
    const record = await this.get(runId);
    if (record.status === 'running' && !options.neverStarted) throw new InvalidInputError(`Run ${runId} is still running: stop it before deleting it.`);
    await this.serial(runId, async () => {
      await rm(this.resultPath(runId), { force: true });
      await rm(checkpointDir(this.dir, runId), { recursive: true, force: true });
      const bundle = record.bundleDir ?? join(this.dir, runId);
      if (isInside(this.dir, bundle)) await rm(bundle, { recursive: true, force: true });
      await rm(this.recordPath(runId), { force: true });
      await rm(this.summaryPath(runId), { force: true });
    });
    return true;
  }

  async limits(): Promise<StoreLimits> {
    try {
      return StoreLimitsSchema.parse(JSON.parse(await readFile(join(this.recordsDir, LIMITS_FILE), 'utf8')));
    } catch {
      return { maxRuns: null, maxBytes: null };
    }
  }

  /** Set the limits and prune to them; returns the ids of the runs pruned. */
  async setLimits(limits: StoreLimits): Promise<string[]> {
    await this.write(join(this.recordsDir, LIMITS_FILE), StoreLimitsSchema.parse(limits));
    return this.prune();
  }

  /** Delete the oldest unpinned, ended runs until the store is within its limits; returns their ids. */
  async prune(): Promise<string[]> {
    const limits = await this.limits();
    if (limits.maxRuns === null && limits.maxBytes === null) return [];
    const { runs } = await this.list();
    let count = runs.length;
    let bytes = runs.reduce((sum, r) => sum + (r.bytes ?? 0), 0);
    const over = () => (limits.maxRuns !== null && count > limits.maxRuns) || (limits.maxBytes !== null && bytes > limits.maxBytes);
    const candidates = runs.filter((r) => !r.pinned && r.status !== 'running').reverse(); // oldest first
    const pruned: string[] = [];
    for (const run of candidates) {
      if (!over()) break;
      await this.delete(run.runId);
      pruned.push(run.runId);
      count--;
      bytes -= run.bytes ?? 0;
    }
    return pruned;
  }
}
