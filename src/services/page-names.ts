/**
 * What a page is told of the host's files: one place that names them on the way out of a host (replies,
 * run events, error sentences), so that the renderer never needs a path and browser mode never shows one.
 * - Datasets, on both hosts: a run's `config.data.path` and `dataset.path` become the handle the dataset
 *   service handed out for the file (dataset-service.ts), or just its file name when this session has not
 *   opened it (no request accepts a name, so the page asks the user to open the file again).
 * - Browser mode only (`hidePaths`), so that no server path leaves the server:
 *   - a run's bundle folder becomes the run's bundle handle (`run-…`, resolved by recent-bundles.ts);
 *   - the runs folder and an export's folder are named, not located;
 *   - a sentence that mentions a host folder or file (an error, a warning, a damaged run file) names it
 *     instead ("There is no run X in the runs folder").
 * The host keeps every path; requests come back with handles and names it resolves (workbench-host.ts).
 */
import { basename, resolve } from 'node:path';
import type { RunEvent } from '../contract/run-events.js';
import type { RunListing, RunRecord, RunSummary, SweepStatus } from '../contract/run-history.js';
import type { RunResult } from '../contract/run-result.js';
import { InvalidInputError } from '../contract/invalid-input.js';
import { runBundleHandle } from './recent-bundles.js';

/** A host folder and how a sentence names it ("the runs folder"). */
interface NamedFolder {
  dir: string;
  label: string;
}

export interface PageNamesOptions {
  /** Browser mode: name every folder and file instead of giving its path. */
  hidePaths: boolean;
  /** How the page names a dataset file (DatasetService.nameFor). */
  datasetName: (file: string) => string;
  /** The files the page knows by name (handed-out datasets), for sentences. */
  knownFiles: () => { file: string; name: string }[];
  /** The host's folders, for sentences (longest paths are tried first); other paths in a sentence become their last part. */
  folders: NamedFolder[];
}

/** A run's settings and dataset as a page names them. */
type WithDataset = { config: RunResult['config']; dataset: { path: string } };

/** Absolute paths left in a sentence after the known ones: POSIX (two segments or more) and Windows. */
const OTHER_ABSOLUTE_PATH = /(?<![\w.~-])(?:\/(?:[\w.@+-]+\/)+[\w.@+-]*|[A-Za-z]:\\(?:[^\s\\"'<>|:*?]+\\)*[^\s\\"'<>|:*?]*)/g;

export interface PageNames {
  readonly hidePaths: boolean;
  result(result: RunResult): RunResult;
  record(record: RunRecord): RunRecord;
  listing(listing: RunListing): RunListing;
  sweepStatus<T extends SweepStatus>(status: T): T;
  event(event: RunEvent): RunEvent;
  /** A path the page is told of (an export's folder, say): itself on the desktop, its name in browser mode. */
  folder(path: string): string;
  /** A sentence for the page, with host paths replaced by names in browser mode. */
  sentence(text: string): string;
  /** The same error with its sentence for the page (an InvalidInputError stays one). */
  error(error: unknown): unknown;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createPageNames(options: PageNamesOptions): PageNames {
  const { hidePaths } = options;
  // Longest first, so a folder inside another is named as itself; each matches the folder or a path inside it.
  const folders = options.folders
    .map((f) => ({ dir: resolve(f.dir), label: f.label }))
    .sort((a, b) => b.dir.length - a.dir.length)
    .map(({ dir, label }) => ({ dir, label, pattern: new RegExp(`${escapeRegExp(dir)}((?:[\\\\/][\\w.@+-]+)*)`, 'g') }));

  function sentence(text: string): string {
    if (!hidePaths || !text) return text;
    let out = text;
    const files = options.knownFiles().sort((a, b) => b.file.length - a.file.length);
    for (const { file, name } of files) out = out.split(file).join(name);
    for (const { label, pattern } of folders) {
      // The folder itself, or a path inside it: "DIR/abc/def" → "\"def\" in the … folder".
      out = out.replace(pattern, (_, rest: string) => {
        const last = rest ? rest.split(/[\\/]/).pop() : '';
        return last ? `"${last}" in ${label}` : label;
      });
    }
    return out.replace(OTHER_ABSOLUTE_PATH, (path) => basename(path.replace(/\\/g, '/')) || 'a folder on the host');
  }

  function folder(path: string): string {
    if (!hidePaths) return path;
    const named = folders.find(({ dir }) => dir === resolve(path));
    return named ? named.label : basename(path);
  }

  function withDataset<T extends WithDataset>(run: T): T {
    const dataPath = options.datasetName(run.config.data.path);
    const datasetPath = options.datasetName(run.dataset.path);
    return { ...run, config: { ...run.config, data: { ...run.config.data, path: dataPath } }, dataset: { ...run.dataset, path: datasetPath } };
  }

  /** A run's bundle folder: the run's bundle handle in browser mode. */
  function bundleDir(runId: string, dir: string | null): string | null {
    return hidePaths && dir ? runBundleHandle(runId) : dir;
  }

  /** A stored run's failure, its sentence named (browser mode). */
  function failure(run: Pick<RunSummary, 'failure'>): RunSummary['failure'] {
    return run.failure && { ...run.failure, message: sentence(run.failure.message) };
  }

  function summary(run: RunSummary): RunSummary {
    return hidePaths ? { ...run, bundleDir: bundleDir(run.runId, run.bundleDir), failure: failure(run) } : run;
  }

  function result(run: RunResult): RunResult {
    const named = withDataset(run);
    return hidePaths ? { ...named, bundleDir: bundleDir(run.runId, run.bundleDir), warnings: run.warnings.map(sentence) } : named;
  }

  function record(run: RunRecord): RunRecord {
    const named = withDataset(run);
    return hidePaths ? { ...named, bundleDir: bundleDir(run.runId, run.bundleDir), failure: failure(run) } : named;
  }

  return {
    hidePaths,
    result,
    record,
    listing: (listing) => ({
      ...listing,
      runsDir: folder(listing.runsDir),
      runs: listing.runs.map(summary),
      problems: listing.problems.map(sentence),
    }),
    sweepStatus: (status) => (hidePaths ? { ...status, warning: status.warning && sentence(status.warning), ranked: status.ranked.map((p) => ({ ...p, failures: p.failures.map(sentence) })) } : status),
    event(event) {
      switch (event.type) {
        case 'finished':
          return { ...event, result: result(event.result) };
        case 'failed':
          return hidePaths ? { ...event, message: sentence(event.message) } : event;
        case 'message':
          return hidePaths ? { ...event, text: sentence(event.text) } : event;
        default:
          return event;
      }
    },
    folder,
    sentence,
    error(error) {
      if (!hidePaths || !(error instanceof Error)) return error;
      const message = sentence(error.message);
      if (message === error.message) return error;
      if (error instanceof InvalidInputError) return new InvalidInputError(message, error.problems.map(sentence));
      const named = new Error(message);
      named.stack = error.stack; // the host's log keeps the whole story
      return named;
    },
  };
}
