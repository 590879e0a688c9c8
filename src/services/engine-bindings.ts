/**
 * The engine functions the host services call, in one place. Hosts (Electron main, browser-mode server)
 * use `engineBindings`; tests may pass their own.
 */
import type { AnatomyReport, AnatomyRequest } from '../contract/anatomy.js';
import type { BundlePrediction, BundleSummary } from '../contract/bundles.js';
import type { CsvInspection, SeriesPreview, SeriesRequest } from '../contract/datasets.js';
import type { InspectOptions } from '../engine/data/csv/inspect.js';
import type { LoadSeriesOptions } from '../engine/data/load-series.js';

export interface HostEngine {
  inspectCsv(path: string, options?: InspectOptions): Promise<CsvInspection>;
  loadSeriesPreview(request: SeriesRequest, options?: LoadSeriesOptions): Promise<SeriesPreview>;
  computeAnatomy(request: AnatomyRequest): Promise<AnatomyReport>;
  openBundle(dir: string): Promise<BundleSummary>;
  predictWithBundle(bundleDir: string, csvPath: string): Promise<BundlePrediction>;
  /** Copy a bundle folder to a destination that must not exist (atomically); returns the destination. */
  exportBundle(sourceDir: string, destinationDir: string): Promise<string>;
}

// Loaded on first use, so a host starts without loading TensorFlow.js.
const csv = () => import('../engine/data/csv/inspect.js');
const series = () => import('../engine/data/load-series.js');
const anatomy = () => import('../engine/anatomy/index.js');
const bundle = () => import('../engine/bundle/index.js');

export const engineBindings: HostEngine = {
  inspectCsv: async (path, options) => (await csv()).inspectCsv(path, options),
  loadSeriesPreview: async (request, options) => (await series()).loadSeriesPreview(request, options),
  computeAnatomy: async (request) => (await anatomy()).computeAnatomy(request),
  openBundle: async (dir) => (await bundle()).openBundle(dir),
  predictWithBundle: async (bundleDir, csvPath) => (await bundle()).predictWithBundle(bundleDir, csvPath),
  exportBundle: async (sourceDir, destinationDir) => (await bundle()).exportBundle(sourceDir, destinationDir),
};
