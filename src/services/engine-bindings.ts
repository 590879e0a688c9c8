/**
 * The engine functions the host services call, in one place. Hosts (Electron main, browser-mode server)
 * use `engineBindings`; tests may pass their own.
 */
import type { AnatomyReport, AnatomyRequest } from '../contract/anatomy.js';
import type { BundlePrediction, BundleSummary } from '../contract/bundles.js';
import type { CsvInspection, SeriesPreview, SeriesRequest } from '../contract/datasets.js';
import { computeAnatomy } from '../engine/anatomy/index.js';
import { exportBundle, openBundle, predictWithBundle } from '../engine/bundle/index.js';
import { inspectCsv } from '../engine/data/csv/inspect.js';
import { loadSeriesPreview } from '../engine/data/load-series.js';

export interface HostEngine {
  inspectCsv(path: string): Promise<CsvInspection>;
  loadSeriesPreview(request: SeriesRequest): Promise<SeriesPreview>;
  computeAnatomy(request: AnatomyRequest): Promise<AnatomyReport>;
  openBundle(dir: string): Promise<BundleSummary>;
  predictWithBundle(bundleDir: string, csvPath: string): Promise<BundlePrediction>;
  /** Copy a bundle folder to a destination that must not exist (atomically); returns the destination. */
  exportBundle(sourceDir: string, destinationDir: string): Promise<string>;
}

export const engineBindings: HostEngine = {
  inspectCsv: (path) => inspectCsv(path),
  loadSeriesPreview: (request) => loadSeriesPreview(request),
  computeAnatomy: (request) => computeAnatomy(request),
  openBundle: (dir) => openBundle(dir),
  predictWithBundle: (bundleDir, csvPath) => predictWithBundle(bundleDir, csvPath),
  exportBundle: (sourceDir, destinationDir) => exportBundle(sourceDir, destinationDir),
};
