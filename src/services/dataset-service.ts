/**
 * Datasets as a host hands them out: the bundled ones, and files the user opened (dialog, drop, upload).
 * The renderer gets a handle for each file (`dataset-…`, in DatasetRef.path), never the file's location,
 * and only handles this service handed out are accepted back, so a renderer can neither learn the host's
 * folders nor make the host read arbitrary files. The handle of a file is the same in every session.
 */
import { createHash } from 'node:crypto';
import { stat, readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { InvalidInputError } from '../contract/run-config.js';
import type { CsvInspection, DatasetRef, SeriesPreview, SeriesRequest, SeriesStructure, StructureRequest } from '../contract/datasets.js';
import type { DatasetProgress } from '../contract/workbench-api.js';
import { BUNDLED_DATASETS } from '../engine/data/bundled-datasets.js';
import type { HostEngine } from './engine-bindings.js';

/** The engine calls this service makes (typed by the engine-call table). */
export type DatasetEngine = Pick<HostEngine, 'inspectCsv' | 'loadSeriesPreview' | 'describeSeries'>;

export type DatasetProgressListener = (progress: DatasetProgress) => void;

/** Fewest milliseconds between two progress reports of one read (about ten a second). */
export const PROGRESS_INTERVAL_MS = 100;

export interface DatasetServiceOptions {
  /** Folder of the bundled CSV files (resources/datasets). */
  bundledDir: string;
  engine: DatasetEngine;
  /** Largest file accepted when the user opens one by path (default 2 GiB). */
  maxFileBytes?: number;
}

export const DATASET_EXTENSIONS = ['.csv', '.txt', '.tsv'];

const HANDLE_PREFIX = 'dataset-';

/** The handle of a file: the same for the same absolute path, and nothing of the path in it. */
function datasetHandle(absolute: string): string {
  return HANDLE_PREFIX + createHash('sha256').update(absolute).digest('hex').slice(0, 16);
}

/** Whether a string is a dataset handle (not a path). */
function isDatasetHandle(text: string): boolean {
  return /^dataset-[0-9a-f]{16}$/.test(text);
}

export class DatasetService {
  /** Handed-out datasets by handle, with the file each names. */
  private readonly known = new Map<string, { ref: DatasetRef; file: string }>();
  private readonly progressListeners = new Set<DatasetProgressListener>();
  private bundledLoaded: Promise<DatasetRef[]> | null = null;

  constructor(private readonly options: DatasetServiceOptions) {}

  /** The bundled datasets, the tutorial's sunspots first. */
  list(): Promise<DatasetRef[]> {
    if (!this.bundledLoaded) {
      this.bundledLoaded = this.loadBundled();
      this.bundledLoaded.catch(() => (this.bundledLoaded = null));
    }
    return this.bundledLoaded;
  }

  private async loadBundled(): Promise<DatasetRef[]> {
    const dir = resolve(this.options.bundledDir);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => DATASET_EXTENSIONS.includes(extname(n).toLowerCase()));
    } catch {
      throw new Error(`The bundled datasets folder ${dir} is missing.`);
    }
    const known = BUNDLED_DATASETS.map((d) => d.file);
    const rank = (n: string) => (known.includes(n) ? known.indexOf(n) : known.length);
    names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    return names.map((name) =>
      this.register(join(dir, name), { bundled: true, description: BUNDLED_DATASETS.find((d) => d.file === name)?.description ?? '' }),
    );
  }

  /** Hand out a file: from now on the renderer may use its handle. */
  register(path: string, details: { name?: string; bundled?: boolean; description?: string } = {}): DatasetRef {
    const file = resolve(path);
    const handle = datasetHandle(file);
    const existing = this.known.get(handle);
    if (existing) return existing.ref;
    const ref: DatasetRef = {
      path: handle,
      name: details.name ?? basename(file),
      bundled: details.bundled ?? false,
      description: details.description ?? '',
    };
    this.known.set(handle, { ref, file });
    return ref;
  }

  /**
   * Register a file the user chose outside a dialog (a file dropped on the window): it must be an
   * existing regular file with a CSV-like extension.
   */
  async registerUserFile(path: string): Promise<DatasetRef> {
    const absolute = resolve(path);
    const ext = extname(absolute).toLowerCase();
    if (!DATASET_EXTENSIONS.includes(ext)) {
      throw new InvalidInputError(`${basename(absolute)} is not a CSV file: open a .csv, .tsv or .txt file.`);
    }
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new InvalidInputError(`${basename(absolute)} cannot be opened: the file does not exist or cannot be read.`);
    }
    if (!info.isFile()) throw new InvalidInputError(`${basename(absolute)} is not a file.`);
    const max = this.options.maxFileBytes ?? 2 * 1024 ** 3;
    if (info.size > max) throw new InvalidInputError(`${basename(absolute)} is ${formatBytes(info.size)}; the limit is ${formatBytes(max)}.`);
    return this.register(absolute);
  }

  /** The file of a handle the renderer sent back; refuses anything this host did not hand out (paths included). */
  fileOf(handle: string): string {
    const entry = this.known.get(handle);
    if (!entry) {
      const what = isDatasetHandle(handle) ? 'that dataset' : `"${basename(handle).slice(0, 120)}"`;
      throw new InvalidInputError(`The workbench has not opened ${what}: pick it with Open CSV… (or upload it) before using it.`);
    }
    return entry.file;
  }

  /**
   * How the renderer names a file the host knows by path (a run's dataset, say): its handle when it was
   * handed out, else just its file name (which no request accepts).
   */
  nameFor(file: string): string {
    const handle = datasetHandle(resolve(file));
    return this.known.has(handle) ? handle : basename(file);
  }

  /** The handed-out files (for naming them in sentences), with their display names. */
  files(): { file: string; name: string }[] {
    return [...this.known.values()].map(({ ref, file }) => ({ file, name: ref.name }));
  }

  /** Progress of every inspect and series read; returns an unsubscribe function. */
  onProgress(listener: DatasetProgressListener): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** The file of a handle, once the bundled datasets are known. */
  async fileOfHandle(handle: string): Promise<string> {
    await this.list();
    return this.fileOf(handle);
  }

  /** What inspecting the file found; its path in the answer is the handle it was asked by. */
  async inspect(handle: string): Promise<CsvInspection> {
    const file = await this.fileOfHandle(handle);
    const inspection = await this.options.engine.inspectCsv(file, { onProgress: this.reporter(handle, 'inspect') });
    return { ...inspection, path: handle };
  }

  async series(request: SeriesRequest): Promise<SeriesPreview> {
    const file = await this.fileOfHandle(request.path);
    return this.options.engine.loadSeriesPreview({ ...request, path: file }, { onProgress: this.reporter(request.path, 'series') });
  }

  async structure(request: StructureRequest): Promise<SeriesStructure> {
    return this.options.engine.describeSeries({ ...request, path: await this.fileOfHandle(request.path) });
  }

  /** The engine's onProgress for one read (named by its handle): at most one report per PROGRESS_INTERVAL_MS, and always the final 1. */
  private reporter(path: string, phase: DatasetProgress['phase']): (fraction: number) => void {
    let last = -Infinity;
    return (fraction) => {
      const now = Date.now();
      if (fraction < 1 && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      for (const listener of this.progressListeners) listener({ path, phase, fraction });
    };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
