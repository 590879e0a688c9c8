/**
 * Assemble the standard services behind one WorkbenchHost. Electron main and the browser-mode server
 * call this with what differs between them (launcher, dialogs, folders).
 */
import { DatasetService } from './dataset-service.js';
import { engineBindings, type HostEngine } from './engine-bindings.js';
import { ExportService } from './export-service.js';
import type { TrainingProcessLauncher } from './launcher.js';
import { TrainingSupervisor } from './training-supervisor.js';
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
  engine?: HostEngine;
  log?: (text: string) => void;
}

export interface StandardHost {
  host: WorkbenchHost;
  datasets: DatasetService;
  supervisor: TrainingSupervisor;
  exports: ExportService;
}

export function createStandardHost(options: StandardHostOptions): StandardHost {
  const engine = options.engine ?? engineBindings;
  const datasets = new DatasetService({ bundledDir: options.bundledDatasetsDir, engine });
  const supervisor = new TrainingSupervisor({ launcher: options.launcher, runsDir: options.runsDir, log: options.log });
  const exports = new ExportService({
    getResult: (runId) => supervisor.getResult(runId),
    runsDir: options.runsDir,
    copyBundle: (source, destination) => engine.exportBundle(source, destination),
  });
  const host = createWorkbenchHost({
    kind: options.kind,
    version: options.version,
    datasets,
    supervisor,
    exports,
    engine,
    dialogs: options.dialogs,
    exportsDir: options.exportsDir,
    acceptDroppedPaths: options.acceptDroppedPaths,
  });
  return { host, datasets, supervisor, exports };
}
