/**
 * The shared host as the desktop app uses it, with real services and a real training process. Only
 * the native dialogs are stand-ins (Electron's dialog module cannot run here); they return what a user
 * would pick. The Electron wiring itself is covered by e2e/electron.spec.ts where Electron is installed.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandardHost, type StandardHost } from './create-host.js';
import { forkLauncher } from './fork-launcher.js';
import type { HostDialogs } from './workbench-host.js';

const DATASETS = fileURLToPath(new URL('../../resources/datasets', import.meta.url));
let dir: string;
let services: StandardHost;
const picks: { csv: string | null; exportTo: string | null; bundle: string | null } = { csv: null, exportTo: null, bundle: null };
const dialogs: HostDialogs = {
  openCsv: async () => picks.csv,
  chooseExportFolder: async () => picks.exportTo,
  openBundleFolder: async () => picks.bundle,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workbench-host-test-'));
  services = createStandardHost({
    kind: 'desktop',
    version: '0.0.0-test',
    launcher: forkLauncher({ echoStderr: null }),
    bundledDatasetsDir: DATASETS,
    runsDir: join(dir, 'runs'),
    exportsDir: null,
    dialogs,
    acceptDroppedPaths: true,
  });
});
afterAll(async () => {
  services?.host.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('workbench host (desktop flavour)', () => {
  it('lists the bundled datasets, sunspots first, each with a description', async () => {
    const list = (await services.host.call('datasets:list', {})) as Array<{ name: string; description: string; bundled: boolean }>;
    expect(list.map((d) => d.name)).toEqual(['sunspots.csv', 'air-passengers.csv', 'mauna-loa-co2.csv', 'nottingham-temperature.csv', 'eu-stock-markets.csv']);
    for (const d of list) {
      expect(d.bundled).toBe(true);
      expect(d.description).toMatch(/\d{4}/);
    }
  });

  it('opens files from the dialog and by drop; refuses what is not a CSV file; cancel gives null', async () => {
    const csv = join(dir, 'mine.csv');
    await writeFile(csv, 'Month,Value\n2000-01,1\n2000-02,2\n');
    picks.csv = csv;
    const picked = (await services.host.call('datasets:open-dialog', {})) as { path: string };
    // The renderer gets a handle for the file, the same each time it is opened, and uses it for the file.
    expect(picked).toMatchObject({ path: expect.stringMatching(/^dataset-[0-9a-f]{16}$/), name: 'mine.csv', bundled: false });
    expect(await services.host.call('datasets:open-path', { path: csv })).toEqual(picked);
    expect(await services.host.call('datasets:inspect', { path: picked.path })).toMatchObject({ path: picked.path, name: 'mine.csv', rows: 2 });
    await expect(services.host.call('datasets:inspect', { path: csv })).rejects.toThrow(/has not opened "mine.csv"/);
    picks.csv = null;
    expect(await services.host.call('datasets:open-dialog', {})).toBeNull();
    await expect(services.host.call('datasets:open-path', { path: join(dir, 'missing.csv') })).rejects.toThrow(/does not exist/);
    await expect(services.host.call('datasets:open-path', { path: '/bin/sh' })).rejects.toThrow(/not a CSV file/);
    await expect(services.host.call('datasets:open-path', { path: dir + '.csv' })).rejects.toThrow(/cannot be opened|not a file/);
    await expect(services.host.call('datasets:inspect', { path: '/etc/hostname' })).rejects.toThrow(/has not opened/);
    await expect(services.host.call('no:such', {})).rejects.toThrow(/not a workbench channel/);
  });

  it('trains, then exports through the save dialog; never overwrites; cancel gives null', async () => {
    const [sunspots] = (await services.host.call('datasets:list', {})) as Array<{ path: string }>;
    await expect(services.host.call('runs:export', { runId: 'nope', name: null })).rejects.toThrow(/no result to export/);
    const { runId } = (await services.host.call('runs:start', { config: { data: { path: sunspots.path }, training: { epochs: 2, batchSize: 32 } } })) as { runId: string };
    const end = await services.supervisor.waitFor(runId);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    picks.exportTo = null;
    expect(await services.host.call('runs:export', { runId, name: null })).toBeNull();
    picks.exportTo = join(dir, 'exported');
    expect(await services.host.call('runs:export', { runId, name: null })).toEqual({ path: join(dir, 'exported') });
    expect(await readdir(join(dir, 'exported'))).toContain('model.json');
    await expect(services.host.call('runs:export', { runId, name: null })).rejects.toThrow(/already exists/);
    const info = (await services.host.call('app:info', {})) as { host: string; backend: string };
    expect(info).toMatchObject({ host: 'desktop', backend: expect.stringMatching(/^(tensorflow|cpu|wasm)$/) });

    // The recent-models list: the exported folder and the run, reopened without a dialog (the desktop keeps its paths).
    const recent = (await services.host.call('bundles:recent', {})) as Array<{ id: string; name: string; kind: string }>;
    expect(recent[0]).toMatchObject({ name: 'exported', kind: 'bundle' });
    expect(recent).toContainEqual(expect.objectContaining({ id: `run-${runId}`, kind: 'run' }));
    expect(await services.host.call('bundles:open-recent', { id: recent[0].id })).toMatchObject({ dir: join(dir, 'exported'), runId });
    picks.bundle = null;
    expect(await services.host.call('bundles:open-dialog', {})).toBeNull();
    picks.bundle = join(dir, 'runs', runId);
    expect(await services.host.call('bundles:open-dialog', {})).toMatchObject({ dir: join(dir, 'runs', runId) });
    expect(((await services.host.call('bundles:recent', {})) as Array<{ name: string }>)[0]).toMatchObject({ name: runId });
  });

  it('lists interrupted runs (none here) and refuses to recover or discard a run that has no checkpoint, with a sentence', async () => {
    expect(await services.host.call('runs:interrupted', {})).toEqual([]);
    await expect(services.host.call('runs:recover', { runId: 'never-ran' })).rejects.toThrow(/^There is no interrupted run never-ran to recover\.$/);
    expect(await services.host.call('runs:discard', { runId: 'never-ran' })).toEqual({ discarded: false });
  });
});
