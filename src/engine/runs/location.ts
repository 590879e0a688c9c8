/** Where the run store lives: --runs-dir, else FORECAST_WORKBENCH_RUNS_DIR, else the OS's data folder for the app. */
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';

export const RUNS_DIR_ENV = 'FORECAST_WORKBENCH_RUNS_DIR';

/** The runs folder every host shares by default (Linux: ~/.local/share/forecast-workbench/runs). */
export function defaultRunsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[RUNS_DIR_ENV];
  if (fromEnv && fromEnv.trim()) return resolve(fromEnv);
  return join(envPaths('forecast-workbench', { suffix: '' }).data, 'runs');
}

/** The runs folder for a given --runs-dir flag (absent = the default). */
export function runsDirFrom(flag: string | null | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ? resolve(flag) : defaultRunsDir(env);
}
