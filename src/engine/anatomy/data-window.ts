/**
 * A real input window for a trained bundle: the last test window of the data the model was trained on,
 * prepared exactly as in training (same columns, missing-value policy, scaler and windowing).
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { RunConfig } from '../../contract/run-config.js';
import { loadSeries } from '../data/load-series.js';
import { prepareData } from '../data/prepare.js';

export interface DataWindow {
  /** Scaled values, row-major [timeSteps × features]. */
  values: number[];
  /** The scaled value(s) this window's target holds (what the model should predict). */
  target: number[];
  description: string;
}

/** The data file: its recorded path, else a file of the same name inside the bundle folder. */
function locateData(config: RunConfig, bundleDir: string): string | null {
  const recorded = config.data.path;
  const candidates = [recorded, join(bundleDir, basename(recorded))];
  if (!isAbsolute(recorded)) candidates.splice(1, 0, join(bundleDir, recorded));
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Null when the data cannot be found or does not fit the model. */
export async function findDataWindow(config: RunConfig, bundleDir: string, timeSteps: number, features: number): Promise<DataWindow | null> {
  const path = locateData(config, bundleDir);
  if (path === null) return null;
  try {
    const series = await loadSeries({ ...config.data, path });
    const prepared = prepareData(series, { ...config.prep, timeSteps }, config.model.outputUnits);
    const test = prepared.test;
    if (test.features !== features || test.samples === 0) return null;
    const sample = test.samples - 1;
    const size = timeSteps * features;
    const values = Array.from(test.x.subarray(sample * size, (sample + 1) * size));
    const targetRow = prepared.offsets.test + test.targetIndex[sample];
    const firstRow = targetRow - timeSteps;
    const label = (row: number) => series.time?.[row] ?? `row ${row + 1}`;
    const actual = series.features[0][targetRow];
    return {
      values,
      target: Array.from(test.y.subarray(sample * test.horizon, (sample + 1) * test.horizon)),
      description:
        `The last test window of ${series.name}: ${label(firstRow)} to ${label(targetRow - 1)}, scaled as in training; ` +
        `the actual next value (${label(targetRow)}) is ${actual} (scaled ${prepared.scaled[0][targetRow].toFixed(6)}).`,
    };
  } catch {
    return null;
  }
}
