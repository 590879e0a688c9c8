/**
 * Datasets as a host hands them out: the bundled ones, and files the user opened (dialog, drop, upload).
 * Only paths this service handed out are accepted back from the renderer, so a renderer cannot make the
 * host read arbitrary files.
 */
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

export class DatasetService {
  private readonly known = new Map<string, DatasetRef>();
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

  /** Hand out a path: from now on the renderer may use it. */
  register(path: string, details: { name?: string; bundled?: boolean; description?: string } = {}): DatasetRef {
    const absolute = resolve(path);
    const existing = this.known.get(absolute);
    if (existing) return existing;
    const ref: DatasetRef = {
      path: absolute,
      name: details.name ?? basename(absolute),
      bundled: details.bundled ?? false,
      description: details.description ?? '',
    };
    this.known.set(absolute, ref);
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

  isKnown(path: string): boolean {
    return this.known.has(resolve(path));
  }

  /** The dataset for a path the renderer sent back; refuses paths this host did not hand out. */
  resolve(path: string): DatasetRef {
    const ref = this.known.get(resolve(path));
    if (!ref) {
      throw new InvalidInputError(
        `The workbench has not opened "${basename(path)}": pick it with Open CSV… (or upload it) before using it.`,
      );
    }
    return ref;
  }

  /** Progress of every inspect and series read; returns an unsubscribe function. */
  onProgress(listener: DatasetProgressListener): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  async inspect(path: string): Promise<CsvInspection> {
    await this.list();
    const absolute = this.resolve(path).path;
    return this.options.engine.inspectCsv(absolute, { onProgress: this.reporter(absolute, 'inspect') });
  }

  async series(request: SeriesRequest): Promise<SeriesPreview> {
    await this.list();
    const absolute = this.resolve(request.path).path;
    return this.options.engine.loadSeriesPreview({ ...request, path: absolute }, { onProgress: this.reporter(absolute, 'series') });
  }

  async structure(request: StructureRequest): Promise<SeriesStructure> {
    await this.list();
    const absolute = this.resolve(request.path).path;
    return this.options.engine.describeSeries({ ...request, path: absolute });
  }

  /** The engine's onProgress for one read: at most one report per PROGRESS_INTERVAL_MS, and always the final 1. */
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
