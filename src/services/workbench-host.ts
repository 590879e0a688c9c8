/**
 * One object implementing every channel of src/contract/workbench-api.ts, shared by Electron's main
 * process (IPC) and the browser-mode server (WebSocket). It validates each request where it enters
 * (`parseRequest`) and lets only host-handed-out paths through; what differs per host (native dialogs,
 * where exports go, whether dropped paths are accepted) comes in through `WorkbenchHostDeps`.
 */
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { InvalidInputError } from '../contract/run-config.js';
import type { RunEventListener } from '../contract/run-events.js';
import {
  channels,
  isChannel,
  parseRequest,
  type CallError,
  type Channel,
  type ChannelResponse,
  type QueueSweepChannel,
  type RunHistoryChannel,
} from '../contract/workbench-api.js';
import type { BundleSummary } from '../contract/bundles.js';
import { importBundleArchive, zipBundleFolder } from './bundle-archive.js';
import type { DatasetProgressListener, DatasetService } from './dataset-service.js';
import { pageEvents } from './result-for-page.js';
import { createPageNames, type PageNames } from './page-names.js';
import { bundleDetail, isBundleHandle, type RecentBundles } from './recent-bundles.js';
import type { HostEngine } from './engine-bindings.js';
import { safeFolderName, type ExportService } from './export-service.js';
import type { TrainingSupervisor } from './training-supervisor.js';

/** Native dialogs (desktop). Each returns null when the user cancels. */
export interface HostDialogs {
  openCsv(): Promise<string | null>;
  /** Ask where to export a bundle; returns the path of the (new) folder to create. */
  chooseExportFolder(defaultName: string): Promise<string | null>;
  openBundleFolder(): Promise<string | null>;
}

export interface WorkbenchHostDeps {
  kind: 'desktop' | 'browser';
  version: string;
  datasets: DatasetService;
  supervisor: TrainingSupervisor;
  exports: ExportService;
  engine: Pick<HostEngine, 'computeAnatomy' | 'openBundle' | 'predictWithBundle'>;
  /** Desktop: native dialogs. Browser mode: null (files arrive by upload, exports go to exportsDir). */
  dialogs: HostDialogs | null;
  /** Where browser-mode exports go (and where bundles may be opened from by name). */
  exportsDir: string | null;
  /** Accept 'datasets:open-path' (a file dropped on the desktop window). */
  acceptDroppedPaths: boolean;
  /** The recent-models list ('bundles:recent'); also resolves the handles browser mode uses instead of paths. */
  recentBundles: RecentBundles;
  /** Browser mode: where uploaded bundle archives are unpacked (default exportsDir). */
  bundleLibraryDir?: string | null;
  /** Answers the run-history and sweep channels (services/run-history-service.ts); absent = not offered. */
  runHistory?: { handles(channel: string): boolean; call(channel: RunHistoryChannel, request: never): Promise<unknown>; dispose(): void; bundleOf?(runId: string): Promise<string> };
  /** Answers the queued-sweep channels (services/queue/queue-sweep-service.ts); absent = not offered. */
  queueSweeps?: { handles(channel: string): boolean; call(channel: QueueSweepChannel, request: never): Promise<unknown>; dispose(): Promise<void> };
}

export interface WorkbenchHost {
  readonly kind: 'desktop' | 'browser';
  /** Validate and answer one call; throws InvalidInputError (the caller's fault) or Error. */
  call(channel: string, request: unknown): Promise<unknown>;
  /** Run events as pages get them: a finished run's result thinned for plotting (result-for-page.ts). */
  onRunEvent(listener: RunEventListener): () => void;
  /** How far 'datasets:inspect' and 'datasets:series' have read their file; returns an unsubscribe function. */
  onDatasetProgress(listener: DatasetProgressListener): () => void;
  /** A finished run's bundle as one zip archive, for a download: the archive's file name and its bytes. */
  bundleArchive(runId: string, name: string | null): Promise<{ fileName: string; stream: Readable }>;
  /** Unpack an uploaded bundle archive (treated as hostile), validate it as a bundle and open it. */
  importBundle(archiveName: string, archive: Buffer): Promise<BundleSummary>;
  /** Stop everything the host started; resolves once its queued sweeps are cancelled and their Redis connections closed. */
  dispose(): Promise<void>;
}

type Handlers = { [C in Exclude<Channel, RunHistoryChannel | QueueSweepChannel>]: (request: z.infer<(typeof channels)[C]['request']>) => Promise<ChannelResponse<C>> };

/** What a failed call sends back across a boundary. */
export function toCallError(error: unknown): CallError {
  if (error instanceof InvalidInputError) return { kind: 'invalid-input', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: message || 'Something went wrong in the workbench host.' };
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function createWorkbenchHost(deps: WorkbenchHostDeps): WorkbenchHost {
  const { datasets, supervisor, exports, engine, dialogs } = deps;
  const handedOutBundles = new Set<string>();
  const bundleRoots = [supervisor.runsDir, deps.exportsDir].filter((d): d is string => !!d);
  const forPage = pageEvents();

  const recent = deps.recentBundles;
  /** How replies, run events and error sentences name the host's files (page-names.ts). */
  const names: PageNames = createPageNames({
    hidePaths: deps.kind === 'browser',
    datasetName: (file) => datasets.nameFor(file),
    knownFiles: () => datasets.files(),
    folders: [
      ...(supervisor.runsDir ? [{ dir: supervisor.runsDir, label: 'the runs folder' }] : []),
      ...(deps.exportsDir ? [{ dir: deps.exportsDir, label: 'the exports folder' }] : []),
      ...(deps.bundleLibraryDir ? [{ dir: deps.bundleLibraryDir, label: 'the uploaded bundles folder' }] : []),
    ],
  });

  /** A bundle folder the renderer may use: a handle of the recent list, handed out by a dialog or an export, or under runs/exports. */
  async function resolveBundleDir(path: string): Promise<string> {
    if (isBundleHandle(path)) {
      const dir = await recent.resolve(path);
      if (!dir) throw new InvalidInputError('That model bundle is no longer there: open or upload it again.');
      return dir;
    }
    const candidate = deps.exportsDir && !isAbsolute(path) ? resolve(deps.exportsDir, safeFolderName(path)) : resolve(path);
    if (handedOutBundles.has(candidate) || bundleRoots.some((root) => isInside(root, candidate))) return candidate;
    if (deps.kind === 'desktop' && deps.acceptDroppedPaths) return candidate;
    throw new InvalidInputError(`The workbench has not opened the bundle "${path}": pick an exported bundle folder first.`);
  }

  /** Browser mode: an engine sentence about a bundle folder names the bundle, not the server path. */
  async function namingBundle<T>(dir: string, name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!names.hidePaths || !(error instanceof InvalidInputError)) throw error;
      throw new InvalidInputError(error.message.split(dir).join(`the bundle "${name}"`), error.problems);
    }
  }

  /** Open a bundle folder, put it at the top of the recent list, and name it as this host names bundles. */
  async function openAndRemember(dir: string, name?: string): Promise<BundleSummary> {
    const summary = await namingBundle(dir, name ?? basename(dir), () => engine.openBundle(dir));
    handedOutBundles.add(resolve(dir));
    const id = await recent.remember(dir, name ?? summary.name, bundleDetail(summary));
    if (!names.hidePaths) return summary;
    // No server path leaves the server: the handle for the folder, the training file's name for its path.
    const trainedOn = summary.dataset.name;
    return { ...summary, dir: id, name: name ?? summary.name, dataset: { ...summary.dataset, path: trainedOn }, config: { ...summary.config, data: { ...summary.config.data, path: trainedOn } } };
  }

  const handlers: Handlers = {
    // Browser mode names the exports folder, never its server path.
    'app:info': async () => ({ host: deps.kind, version: deps.version, backend: supervisor.backend, exportsDir: deps.exportsDir && (names.hidePaths ? basename(deps.exportsDir) : deps.exportsDir) }),
    'datasets:list': () => datasets.list(),
    'datasets:open-dialog': async () => {
      if (!dialogs) throw new InvalidInputError('There is no file dialog in browser mode: choose a file to upload instead.');
      const path = await dialogs.openCsv();
      return path ? datasets.register(path) : null;
    },
    'datasets:open-path': async ({ path }) => {
      if (!deps.acceptDroppedPaths) throw new InvalidInputError('Files cannot be opened by path here: upload the file instead.');
      return datasets.registerUserFile(path);
    },
    'datasets:inspect': ({ path }) => datasets.inspect(path),
    'datasets:series': (request) => datasets.series(request),
    'datasets:structure': (request) => datasets.structure(request),
    'runs:start': async ({ config }) => {
      const runId = supervisor.start({ ...config, data: { ...config.data, path: await datasets.fileOfHandle(config.data.path) } });
      return { runId };
    },
    'runs:stop': async ({ runId }) => ({ stopping: supervisor.stop(runId) }),
    'runs:interrupted': async () => supervisor.interruptedRuns(),
    'runs:recover': async ({ runId }) => ({ runId: supervisor.recoverInterrupted(runId) }),
    'runs:discard': async ({ runId }) => ({ discarded: supervisor.discardInterrupted(runId) }),
    'runs:export': async ({ runId, name }) => {
      await exports.bundleOf(runId); // say what is wrong before asking where to put it
      let destination: string | null;
      if (dialogs) {
        destination = await dialogs.chooseExportFolder(name ?? runId);
        if (!destination) return null;
      } else if (deps.exportsDir) {
        destination = join(deps.exportsDir, safeFolderName(name ?? runId));
      } else {
        throw new Error('This host has no exports folder.');
      }
      const path = await exports.exportRun(runId, destination);
      handedOutBundles.add(path);
      const summary = await engine.openBundle(path).catch(() => null);
      if (summary) await recent.remember(path, basename(path), bundleDetail(summary));
      // Browser mode: the folder's name in the exports folder (which 'bundles:open-path' accepts), not its path.
      return { path: names.folder(path) };
    },
    'bundles:open-dialog': async () => {
      if (!dialogs) throw new InvalidInputError('There is no folder dialog in browser mode: type the name of a bundle in the exports folder.');
      const dir = await dialogs.openBundleFolder();
      if (!dir) return null;
      return openAndRemember(resolve(dir));
    },
    'bundles:open-path': async ({ path }) => openAndRemember(await resolveBundleDir(path)),
    'bundles:recent': () => recent.list(),
    'bundles:open-recent': async ({ id }) => {
      const entry = (await recent.list()).find((e) => e.id === id);
      return openAndRemember(await resolveBundleDir(id), entry?.kind === 'bundle' ? entry.name : undefined);
    },
    'bundles:predict': async ({ bundleDir, path, columns }) => {
      const dir = await resolveBundleDir(bundleDir);
      const file = await datasets.fileOfHandle(path);
      const prediction = await namingBundle(dir, basename(dir), () => engine.predictWithBundle(dir, file, { columns }));
      return names.hidePaths ? { ...prediction, bundleDir, dataset: { ...prediction.dataset, path } } : prediction;
    },
    'anatomy:compute': async (request) => {
      if (request.source === 'bundle') {
        if (!request.bundleDir) throw new InvalidInputError('Choose a bundle folder to explain.');
        const dir = await resolveBundleDir(request.bundleDir);
        const report = await namingBundle(dir, basename(dir), () => engine.computeAnatomy({ ...request, bundleDir: dir }));
        // Browser mode: the bundle as the page named it, not the server path.
        return names.hidePaths ? { ...report, bundleDir: request.bundleDir } : report;
      }
      return engine.computeAnatomy(request);
    },
  };

  /** Replies that carry runs, named for the page (every other reply names nothing of the host's files). */
  const forPageReplies: { [C in Channel]?: (response: ChannelResponse<C>) => ChannelResponse<C> } = {
    'history:list': (listing) => names.listing(listing),
    'history:show': ({ record, result, problem }) => ({ record: names.record(record), result: result && names.result(result), problem: problem && names.sentence(problem) }),
    'history:compare': ({ comparison, records, results }) => ({ comparison, records: records.map(names.record), results: results.map((r) => r && names.result(r)) }),
    'history:update': (record) => names.record(record),
    'history:export': (answer) => answer && { path: names.folder(answer.path) },
    'sweep:status': (status) => names.sweepStatus(status),
    'queue-sweep:status': (status) => {
      const named = names.sweepStatus(status);
      return { ...named, problem: named.problem && names.sentence(named.problem), ended: named.ended.map((e) => ({ ...e, reason: e.reason && names.sentence(e.reason) })) };
    },
  };

  async function answer(channel: Channel, request: unknown): Promise<unknown> {
    if (deps.runHistory?.handles(channel)) return deps.runHistory.call(channel as RunHistoryChannel, request as never);
    if (deps.queueSweeps?.handles(channel)) return deps.queueSweeps.call(channel as QueueSweepChannel, request as never);
    const handler = handlers[channel as Exclude<Channel, RunHistoryChannel | QueueSweepChannel>] as ((r: unknown) => Promise<unknown>) | undefined;
    if (!handler) throw new InvalidInputError(`This host does not keep a run history ("${channel}").`);
    return handler(request);
  }

  return {
    kind: deps.kind,
    call: (channel, rawRequest) =>
      withNamedErrors(async () => {
        if (!isChannel(channel)) throw new InvalidInputError(`"${String(channel).slice(0, 80)}" is not a workbench channel.`);
        const response = await answer(channel, parseRequest(channel, rawRequest));
        const name = forPageReplies[channel] as ((r: unknown) => unknown) | undefined;
        if (!name || !response) return response;
        await datasets.list().catch(() => []); // the bundled datasets have handles before a run names one
        return name(response);
      }),
    onRunEvent: (listener) => supervisor.onEvent((event) => listener(names.event(forPage(event)))),
    onDatasetProgress: (listener) => datasets.onProgress(listener),
    async bundleArchive(runId, name) {
      return withNamedErrors(() => archiveOf(runId, name));
    },
    importBundle: (archiveName, archive) => withNamedErrors(() => importArchive(archiveName, archive)),
    dispose: async () => {
      supervisor.dispose();
      deps.runHistory?.dispose();
      await deps.queueSweeps?.dispose();
    },
  };

  /** Run a call with its error's sentence named for the page (page-names.ts). */
  async function withNamedErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw names.error(error);
    }
  }

  async function archiveOf(runId: string, name: string | null): Promise<{ fileName: string; stream: Readable }> {
    // A run of this session, else any stored run (the Runs tab's Export downloads those too).
    let dir: string;
    try {
      dir = await exports.bundleOf(runId);
    } catch (error) {
      if (!deps.runHistory?.bundleOf) throw error;
      // Not stored either: the session's sentence, which names no server folder; a stored run's own problem as it is.
      dir = await deps.runHistory.bundleOf(runId).catch((stored: Error) => Promise.reject(/^There is no run /.test(stored.message) ? error : stored));
    }
    const folder = safeFolderName(name ?? runId);
    return { fileName: `${folder}.zip`, stream: await zipBundleFolder(dir, folder) };
  }

  async function importArchive(archiveName: string, archive: Buffer): Promise<BundleSummary> {
    const libraryDir = deps.bundleLibraryDir ?? deps.exportsDir;
    if (!libraryDir) throw new Error('This host has no folder for uploaded bundles.');
    if (!/\.zip$/i.test(archiveName)) throw new InvalidInputError(`${archiveName} is not a zip archive: upload the .zip file that "Export model" downloaded.`);
    const dir = await importBundleArchive({ archive, archiveName, libraryDir, validate: async (folder) => void (await engine.openBundle(folder)) });
    return openAndRemember(dir, archiveName.replace(/\.zip$/i, ''));
  }
}
