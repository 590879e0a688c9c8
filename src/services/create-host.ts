/**
 * Assemble the standard services behind one WorkbenchHost. Electron main and the browser-mode server
 * call this with what differs between them (launcher, dialogs, folders).
 */
import { DatasetService } from './dataset-service.js';
import { engineBindings, type HostEngine } from './engine-bindings.js';
import { processEngine } from './engine-process.js';
import { ExportService } from './export-service.js';
import type { TrainingProcessLauncher } from './launcher.js';
import { TrainingSupervisor } from './training-supervisor.js';
import { RunStore } from '../engine/runs/store.js';
import { RecordingTrainingSupervisor, RunHistoryService } from './run-history-service.js';
import { SweepService } from './sweep-service.js';
import { RecentBundles } from './recent-bundles.js';
import { join } from 'node:path';
import { QueueSweepChannels, QueueSweepService } from './queue/queue-sweep-service.js';
import { createWorkbenchHost, type HostDialogs, type WorkbenchHost } from './workbench-host.js';

export interface StandardHostOptions {
  kind: 'desktop' | 'browser';
  version: string;
  launcher: TrainingProcessLauncher;
  /** Folder of the bundled CSVs (resources/datasets). */
  bundledDatasetsDir: string;
  runsDir: string;
  exportsDir: string | null;
  dialogs: HostDialogs | null;
  acceptDroppedPaths: boolean;
  /** Run the engine calls in a long-lived worker process started through this launcher (the apps do). */
  engineLauncher?: TrainingProcessLauncher;
  /** Else call this engine in-process (default engineBindings: tests, CLI). */
  engine?: HostEngine;
  log?: (text: string) => void;
  /** Browser mode: where uploaded bundle archives are unpacked (default exportsDir). */
  bundleLibraryDir?: string;
}

/** The recent-models list's file, in the runs folder (a dot file, which the run store passes over). */
export const RECENT_BUNDLES_FILE = '.recent-bundles.json';

export interface StandardHost {
  host: WorkbenchHost;
  datasets: DatasetService;
  supervisor: TrainingSupervisor;
  exports: ExportService;
  /** The engine the host calls: the worker's proxy, or the in-process one. */
  engine: HostEngine;
  /** Every run of this host, and of the CLI and other hosts sharing runsDir. */
  runs: RunStore;
  sweeps: SweepService;
}

export function createStandardHost(options: StandardHostOptions): StandardHost {
  const worker = options.engineLauncher ? processEngine(options.engineLauncher, { log: options.log }) : null;
  const engine = worker ?? options.engine ?? engineBindings;
  const datasets = new DatasetService({ bundledDir: options.bundledDatasetsDir, engine });
  const runs = new RunStore(options.runsDir, { origin: options.kind });
  const supervisor: TrainingSupervisor = new RecordingTrainingSupervisor({ launcher: options.launcher, runsDir: options.runsDir, log: options.log }, runs);
  const sweeps = new SweepService({ launcher: options.launcher, store: runs, log: options.log });
  const runHistory = new RunHistoryService({
    store: runs,
    sweeps,
    copyBundle: (source, destination) => engine.exportBundle(source, destination),
    drawBundleCharts: (bundleDir, resultFile) => engine.addBundleCharts(bundleDir, resultFile),
    chooseExportFolder: options.dialogs ? (name) => options.dialogs!.chooseExportFolder(name) : null,
    exportsDir: options.exportsDir,
    resolveDataPath: (handle) => datasets.fileOfHandle(handle),
  });
  const queueSweeps = new QueueSweepChannels(new QueueSweepService({ store: runs, log: options.log }), (handle) => datasets.fileOfHandle(handle));
  const exports = new ExportService({
    getResult: (runId) => supervisor.getResult(runId),
    runsDir: options.runsDir,
    copyBundle: (source, destination) => engine.exportBundle(source, destination),
  });
  const recentBundles = new RecentBundles({
    file: join(options.runsDir, RECENT_BUNDLES_FILE),
    listRuns: async () => (await runs.list()).runs,
    // A run of this session as soon as it has finished (its record is written just after), else the store's.
    runBundle: async (runId) => supervisor.getResult(runId)?.bundleDir ?? (await runs.get(runId)).bundleDir,
  });
  const workbenchHost = createWorkbenchHost({
    kind: options.kind,
    version: options.version,
    datasets,
    supervisor,
    exports,
    engine,
    dialogs: options.dialogs,
    exportsDir: options.exportsDir,
    acceptDroppedPaths: options.acceptDroppedPaths,
    recentBundles,
    bundleLibraryDir: options.bundleLibraryDir ?? null,
    runHistory,
    queueSweeps,
  });
  // Shutting the host down ends the engine worker as well as the training processes.
  const host: WorkbenchHost = worker
    ? {
        ...workbenchHost,
        async dispose() {
          const closing = workbenchHost.dispose();
          worker.dispose();
          await closing;
        },
      }
    : workbenchHost;
  return { host, datasets, supervisor, exports, engine, runs, sweeps };
}
