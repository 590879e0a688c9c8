/** Model bundles: write a run's folder, copy it, read it, load its model, apply it to new data. */
export { writeRunBundle, exportBundle, addBundleCharts, addBundleChartsFrom, buildMetadata, modelShape, type WriteRunBundleArgs } from './write.js';
export { readBundle, readBundle as openBundle, readBundleMetadata, loadBundle, loadBundleModel } from './read.js';
export { predictWithBundle, type PredictWithBundleOptions } from './predict.js';
export { fileSystemLoader, fileSystemSaver } from './fs-io.js';
export { writeFolderAtomically } from './atomic.js';
