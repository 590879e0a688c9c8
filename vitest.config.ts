import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Runs trained by tests (the CLI stores every run) go to a temporary store, not the user's app data folder.
    env: { FORECAST_WORKBENCH_RUNS_DIR: join(tmpdir(), 'forecast-workbench-test-runs') },
  },
});
