/**
 * The recent-models list, the same for both hosts: bundles opened, exported or uploaded recently (kept in a
 * small JSON file) and the bundles of recent runs (from the run store). Each has a handle (`bundle-…`,
 * `run-…`) that the host resolves to its folder, so the renderer can reopen it without knowing a path.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { BundleSummary, RecentBundle } from '../contract/bundles.js';
import { layerLabel } from '../contract/cell-types.js';
import type { RunSummary } from '../contract/run-history.js';

/** Bundles remembered in the file (the runs come from the store). */
const MAX_REMEMBERED = 20;
/** Recent runs listed beside them. */
const MAX_RUNS = 10;

const RememberedSchema = z.object({ id: z.string(), name: z.string(), dir: z.string(), at: z.string(), detail: z.string() });
type Remembered = z.infer<typeof RememberedSchema>;

export interface RecentBundlesOptions {
  /** The JSON file the list is kept in. */
  file: string;
  /** The runs whose bundles are listed too (newest first). */
  listRuns?: () => Promise<RunSummary[]>;
  /** The bundle folder of a run, or null. */
  runBundle?: (runId: string) => Promise<string | null>;
}

const RUN_PREFIX = 'run-';
const BUNDLE_PREFIX = 'bundle-';

/** The handle of a run's bundle (the run store knows its folder). */
export function runBundleHandle(runId: string): string {
  return RUN_PREFIX + runId;
}

/** Whether a string is one of this list's handles (not a path). */
export function isBundleHandle(text: string): boolean {
  return /^(bundle-[0-9a-f]{16}|run-[A-Za-z0-9._-]{1,120})$/.test(text);
}

/** One line about a bundle: the target and the model. */
export function bundleDetail(summary: Pick<BundleSummary, 'dataset' | 'config'>): string {
  const layers = summary.config.model.layers.map((l) => layerLabel(l)).join(' → ');
  return `${summary.dataset.column} · ${layers}`;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export class RecentBundles {
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecentBundlesOptions) {}

  private async read(): Promise<Remembered[]> {
    try {
      const parsed = z.array(RememberedSchema).safeParse(JSON.parse(await readFile(this.options.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return []; // none yet, or unreadable: start a new list
    }
  }

  /** Put a bundle folder at the top of the list; returns its handle (the same for the same folder). */
  remember(dir: string, name: string, detail: string): Promise<string> {
    const folder = resolve(dir);
    const id = BUNDLE_PREFIX + createHash('sha256').update(folder).digest('hex').slice(0, 16);
    const done = this.writing.then(async () => {
      const list = (await this.read()).filter((e) => e.id !== id);
      list.unshift({ id, name, dir: folder, at: new Date().toISOString(), detail });
      await writeFileAtomic(this.options.file, JSON.stringify(list.slice(0, MAX_REMEMBERED), null, 2) + '\n');
      return id;
    });
    this.writing = done.catch(() => undefined);
    return done;
  }

  /** The remembered bundles whose folders still exist, then the recent runs with a bundle. */
  async list(): Promise<RecentBundle[]> {
    const remembered = await this.read();
    const present = await Promise.all(remembered.map(async (e) => ((await isFolder(e.dir)) ? e : null)));
    const bundles: RecentBundle[] = present.filter((e): e is Remembered => e !== null).map(({ id, name, at, detail }) => ({ id, name, kind: 'bundle', at, detail }));
    const runs = this.options.listRuns ? await this.options.listRuns().catch(() => []) : [];
    const runBundles: RecentBundle[] = runs
      .filter((r) => r.status === 'finished' && r.bundleDir)
      .slice(0, MAX_RUNS)
      .map((r) => ({ id: runBundleHandle(r.runId), name: r.name, kind: 'run', at: r.startedAt, detail: `${r.dataset.column ?? r.dataset.name} · ${r.model}` }));
    return [...bundles, ...runBundles];
  }

  /** The folder of a handle, or null when it names nothing (any more). */
  async resolve(id: string): Promise<string | null> {
    if (!isBundleHandle(id)) return null;
    if (id.startsWith(RUN_PREFIX)) return (await this.options.runBundle?.(id.slice(RUN_PREFIX.length)).catch(() => null)) ?? null;
    const entry = (await this.read()).find((e) => e.id === id);
    return entry && (await isFolder(entry.dir)) ? entry.dir : null;
  }
}
