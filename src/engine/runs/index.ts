/** The run store and what is computed over stored runs (see store.ts for the folder layout). */
export { RunStore, describeSettings, RECORDS_DIR, type BeginRunOptions, type RunStoreOptions } from './store.js';
export { RunRecorder } from './recorder.js';
export { defaultRunsDir, runsDirFrom, RUNS_DIR_ENV } from './location.js';
export { compareRecords, predictionSpread, spreadOf, testWindowOf, verdictFor } from './stats.js';
export { expandSweep, SWEEP_CONFIRM_LIMIT, rankPoints, summarisePoint, type PlannedPoint } from './sweep-plan.js';
