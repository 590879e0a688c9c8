/**
 * The datasets shipped in resources/datasets (exported from R's datasets package; see the README there).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TUTORIAL_DATASET } from '../../contract/datasets.js';

export interface BundledDataset {
  file: string;
  title: string;
  description: string;
}

export const BUNDLED_DATASETS: readonly BundledDataset[] = [
  { file: 'sunspots.csv', title: 'Monthly sunspots', description: 'Monthly mean relative sunspot numbers, 1749-01 to 1983-12 (2,820 months; R: sunspots). The tutorial\'s series.' },
  { file: 'air-passengers.csv', title: 'Air passengers', description: 'Monthly international airline passengers in thousands, 1949-01 to 1960-12 (144 months; R: AirPassengers).' },
  { file: 'mauna-loa-co2.csv', title: 'Mauna Loa CO2', description: 'Monthly atmospheric CO2 at Mauna Loa in ppm, 1959-01 to 1997-12 (468 months; R: co2).' },
  { file: 'nottingham-temperature.csv', title: 'Nottingham temperature', description: 'Monthly mean air temperature at Nottingham in °F, 1920-01 to 1939-12 (240 months; R: nottem).' },
  { file: 'eu-stock-markets.csv', title: 'EU stock markets', description: 'Daily closing prices of DAX, SMI, CAC and FTSE, 1991 to 1998 (1,860 business days; R: EuStockMarkets).' },
];


let cachedDir: string | null = null;

/**
 * The folder holding the bundled datasets: $FORECAST_WORKBENCH_RESOURCES/datasets if set (packaged apps),
 * else the first resources/datasets found walking up from this module (works from src/ and from out/).
 */
export function bundledDatasetsDir(): string {
  if (cachedDir) return cachedDir;
  const fromEnv = process.env.FORECAST_WORKBENCH_RESOURCES;
  if (fromEnv && existsSync(join(fromEnv, 'datasets', TUTORIAL_DATASET))) return (cachedDir = join(fromEnv, 'datasets'));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'resources', 'datasets');
    if (existsSync(join(candidate, TUTORIAL_DATASET))) return (cachedDir = candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('The bundled datasets folder (resources/datasets) was not found.');
    dir = parent;
  }
}

export function bundledDatasetPath(file: string = TUTORIAL_DATASET): string {
  return resolve(bundledDatasetsDir(), file);
}
