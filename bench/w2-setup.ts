/** W2 of issue 12: pollution.csv, pm2.5 with DEWP, TEMP, PRES and Iws, 24-step sliding windows, LSTM(64) → Dense(1). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunConfig, type RunConfig } from '../src/contract/run-config.js';
import { loadSeries } from '../src/engine/data/load-series.js';
import { prepareData, type PreparedData } from '../src/engine/data/prepare.js';

export const POLLUTION_CSV = join(import.meta.dirname, '..', '..', 'shared', 'datasets', 'real', 'pollution.csv');

export function w2Config(epochs = 1): RunConfig {
  return parseRunConfig({
    data: { path: POLLUTION_CSV, column: 'pm2.5', inputColumns: ['DEWP', 'TEMP', 'PRES', 'Iws'], missing: 'interpolate' },
    prep: { timeSteps: 24, windowing: 'sliding', trainFraction: 0.8, scalerFit: 'all' },
    model: { layers: [{ type: 'lstm', units: 64, activation: 'tanh' }], outputActivation: 'linear', outputUnits: 1 },
    training: { epochs, batchSize: 64, optimizer: 'adam', learningRate: 0.001, seed: 1, shuffle: true },
  });
}

export async function w2Data(): Promise<{ config: RunConfig; prepared: PreparedData } | null> {
  if (!existsSync(POLLUTION_CSV)) return null;
  const config = w2Config();
  return { config, prepared: prepareData(await loadSeries(config.data), config.prep) };
}
