/**
 * One object implementing every channel of src/contract/workbench-api.ts, shared by Electron's main
 * process (IPC) and the browser-mode server (WebSocket). It validates each request where it enters
 * (`parseRequest`) and lets only host-handed-out paths through; what differs per host (native dialogs,
 * where exports go, whether dropped paths are accepted) comes in through `WorkbenchHostDeps`.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
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
  type RunHistoryChannel,
} from '../contract/workbench-api.js';
import type { DatasetProgressListener, DatasetService } from './dataset-service.js';
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
  /** Answers the run-history and sweep channels (services/run-history-service.ts); absent = not offered. */
  runHistory?: { handles(channel: string): boolean; call(channel: RunHistoryChannel, request: never): Promise<unknown>; dispose(): void };
}

export interface WorkbenchHost {
  readonly kind: 'desktop' | 'browser';
  /** Validate and answer one call; throws InvalidInputError (the caller's fault) or Error. */
  call(channel: string, request: unknown): Promise<unknown>;
  onRunEvent(listener: RunEventListener): () => void;
  /** How far 'datasets:inspect' and 'datasets:series' have read their file; returns an unsubscribe function. */
  onDatasetProgress(listener: DatasetProgressListener): () => void;
  dispose(): void;
}

type Handlers = { [C in Exclude<Channel, RunHistoryChannel>]: (request: z.infer<(typeof channels)[C]['request']>) => Promise<ChannelResponse<C>> };

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

  /** A bundle folder the renderer may use: handed out by a dialog or an export, or under runs/exports. */
  function resolveBundleDir(path: string): string {
    const candidate = deps.exportsDir && !isAbsolute(path) ? resolve(deps.exportsDir, safeFolderName(path)) : resolve(path);
    if (handedOutBundles.has(candidate) || bundleRoots.some((root) => isInside(root, candidate))) return candidate;
    if (deps.kind === 'desktop' && deps.acceptDroppedPaths) return candidate;
    throw new InvalidInputError(`The workbench has not opened the bundle "${path}": pick an exported bundle folder first.`);
  }

  const handlers: Handlers = {
    'app:info': async () => ({ host: deps.kind, version: deps.version, backend: supervisor.backend, exportsDir: deps.exportsDir }),
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
      await datasets.list();
      const ref = datasets.resolve(config.data.path);
      const runId = supervisor.start({ ...config, data: { ...config.data, path: ref.path } });
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
      return { path };
    },
    'bundles:open-dialog': async () => {
      if (!dialogs) throw new InvalidInputError('There is no folder dialog in browser mode: type the name of a bundle in the exports folder.');
      const dir = await dialogs.openBundleFolder();
      if (!dir) return null;
      handedOutBundles.add(resolve(dir));
      return engine.openBundle(resolve(dir));
    },
    'bundles:open-path': async ({ path }) => {
      const dir = resolveBundleDir(path);
      const summary = await engine.openBundle(dir);
      handedOutBundles.add(dir);
      return summary;
    },
    'bundles:predict': async ({ bundleDir, path }) => {
      await datasets.list();
      return engine.predictWithBundle(resolveBundleDir(bundleDir), datasets.resolve(path).path);
    },
    'anatomy:compute': async (request) => {
      if (request.source === 'bundle') {
        if (!request.bundleDir) throw new InvalidInputError('Choose a bundle folder to explain.');
        return engine.computeAnatomy({ ...request, bundleDir: resolveBundleDir(request.bundleDir) });
      }
      return engine.computeAnatomy(request);
    },
  };

  return {
    kind: deps.kind,
    async call(channel, rawRequest) {
      if (!isChannel(channel)) throw new InvalidInputError(`"${String(channel).slice(0, 80)}" is not a workbench channel.`);
      const request = parseRequest(channel, rawRequest);
      if (deps.runHistory?.handles(channel)) return deps.runHistory.call(channel as RunHistoryChannel, request as never);
      const handler = handlers[channel as Exclude<Channel, RunHistoryChannel>] as ((r: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new InvalidInputError(`This host does not keep a run history ("${channel}").`);
      return handler(request);
    },
    onRunEvent: (listener) => supervisor.onEvent(listener),
    onDatasetProgress: (listener) => datasets.onProgress(listener),
    dispose: () => {
      supervisor.dispose();
      deps.runHistory?.dispose();
    },
  };
}
