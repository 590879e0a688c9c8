/**
 * The implementation of every engine call in the table of src/contract/engine-calls.ts, in one place: the
 * engine worker answers with it, and hosts that run the engine in-process (the CLI, tests) call it
 * directly. Modules load on first use, so a process starts without TensorFlow.js until a call needs it.
 */
import type { EngineApi } from '../contract/engine-calls.js';

const csv = () => import('./data/csv/inspect.js');
const series = () => import('./data/load-series.js');
const structure = () => import('./data/structure.js');
const anatomy = () => import('./anatomy/index.js');
const bundle = () => import('./bundle/index.js');

export const engineImplementation: EngineApi = {
  inspectCsv: async (path, options) => (await csv()).inspectCsv(path, options),
  loadSeriesPreview: async (request, options) => (await series()).loadSeriesPreview(request, options),
  describeSeries: async (request, options) => (await structure()).seriesStructure(request, options),
  computeAnatomy: async (request) => (await anatomy()).computeAnatomy(request),
  openBundle: async (dir) => (await bundle()).openBundle(dir),
  predictWithBundle: async (bundleDir, csvPath, options) => (await bundle()).predictWithBundle(bundleDir, csvPath, options),
  exportBundle: async (sourceDir, destinationDir) => (await bundle()).exportBundle(sourceDir, destinationDir),
  addBundleCharts: async (bundleDir, resultFile) => (await bundle()).addBundleChartsFrom(bundleDir, resultFile),
};
