/**
 * The run-history channels through the real browser-flavour host: a run trained by one host (real training
 * process) is listed, shown, tagged, exported (a folder, and a zip) and deleted by a new host on the same run store.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { ChannelResponse } from '../contract/workbench-api.js';
import { createStandardHost, type StandardHost } from './create-host.js';
import { forkLauncher } from './fork-launcher.js';

const DATASETS = fileURLToPath(new URL('../../resources/datasets', import.meta.url));
let dir: string;
const hosts: StandardHost[] = [];

function host(): StandardHost {
  const services = createStandardHost({
    kind: 'browser',
    version: '0.0.0-test',
    launcher: forkLauncher({ echoStderr: null }),
    bundledDatasetsDir: DATASETS,
    runsDir: join(dir, 'runs'),
    exportsDir: join(dir, 'exports'),
    dialogs: null,
    acceptDroppedPaths: false,
  });
  hosts.push(services);
  return services;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-history-host-'));
});
afterAll(async () => {
  for (const h of hosts) h.host.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('run history channels', () => {
  it('keep a run trained by one host for the next one: list, show, tag, export, delete', { timeout: 300_000 }, async () => {
    const first = host();
    const datasets = (await first.host.call('datasets:list', {})) as ChannelResponse<'datasets:list'>;
    const sunspots = datasets.find((d) => d.name === 'sunspots.csv')!;
    const config = { data: { path: sunspots.path }, training: { epochs: 2, batchSize: 64, seed: 2 } };
    // A page hears the run's end once the store has it: the history it reads then lists the run as finished.
    let statusAtEnd: string | undefined;
    const heard = new Promise<void>((resolve) => {
      const off = first.host.onRunEvent((e) => {
        if (e.type !== 'finished' && e.type !== 'failed') return;
        off();
        void first.runs.list().then((l) => ((statusAtEnd = l.runs.find((r) => r.runId === e.runId)?.status), resolve()));
      });
    });
    const { runId } = (await first.host.call('runs:start', { config })) as { runId: string };
    const terminal = await first.supervisor.waitFor(runId);
    expect(terminal.type).toBe('finished');
    await heard;
    expect(statusAtEnd).toBe('finished');
    // The record and its summary are written after the event: wait for the store to list it as ended.
    const listed = async () => (await first.runs.list()).runs.find((r) => r.runId === runId)?.status;
    for (let i = 0; (await listed()) === 'running' && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
    first.host.dispose();

    const second = host();
    const listing = (await second.host.call('history:list', {})) as ChannelResponse<'history:list'>;
    expect(listing.runs).toHaveLength(1);
    expect(listing.runs[0]).toMatchObject({ runId, status: 'finished', origin: 'browser', seed: 2, dataset: { name: 'sunspots.csv' } });
    expect(listing.diskBytes).toBeGreaterThan(0);

    const shown = (await second.host.call('history:show', { runId })) as ChannelResponse<'history:show'>;
    expect(shown.result?.runId).toBe(runId);
    expect(shown.record.history).toHaveLength(2);
    // Browser mode: the run's dataset by its handle, its bundle by the run's handle, no server folder anywhere.
    expect(shown.record.config.data.path).toBe(sunspots.path);
    expect(shown.result?.config.data.path).toBe(sunspots.path);
    expect(shown.result?.bundleDir).toBe(`run-${runId}`);
    expect(listing.runs[0].bundleDir).toBe(`run-${runId}`);
    expect(listing.runsDir).toBe('the runs folder');
    for (const reply of [listing, shown]) expect(JSON.stringify(reply)).not.toContain(dir);
    // The run's handle opens its bundle (the anatomy of the run on the Anatomy tab, say).
    const opened = (await second.host.call('bundles:open-path', { path: `run-${runId}` })) as ChannelResponse<'bundles:open-path'>;
    expect(opened.dataset.name).toBe('sunspots.csv');
    expect(JSON.stringify(opened)).not.toContain(dir);

    const tagged = (await second.host.call('history:update', { runId, tags: ['kept'], pinned: true })) as ChannelResponse<'history:update'>;
    expect(tagged).toMatchObject({ tags: ['kept'], pinned: true });

    // Not a run of this host's session, exported all the same.
    const exported = (await second.host.call('history:export', { runId, name: 'from-history' })) as ChannelResponse<'history:export'>;
    expect(exported?.path).toBe('from-history');
    expect(existsSync(join(dir, 'exports', 'from-history', 'model.json'))).toBe(true);
    await expect(second.host.call('history:export', { runId, name: 'from-history' })).rejects.toThrow(/^"from-history" in the exports folder already exists/);
    // ...and downloaded as one zip (GET /bundle.zip in browser mode), also not only for this session's runs.
    const archive = await second.host.bundleArchive(runId, 'as-zip');
    expect(archive.fileName).toBe('as-zip.zip');
    const zip = await yauzl.fromBufferPromise(await buffer(archive.stream), { lazyEntries: true });
    const entries: string[] = [];
    for await (const entry of zip.eachEntry()) entries.push(entry.fileName);
    zip.close();
    expect(entries).toEqual(expect.arrayContaining(['as-zip/model.json', 'as-zip/weights.bin', 'as-zip/metadata.json']));

    await expect(second.host.call('history:compare', { runIds: [runId] })).rejects.toThrow(/runIds/);
    await expect(second.host.call('sweep:start', { base: { data: { path: '/etc/passwd' } }, grid: { units: [2] } })).rejects.toThrow('The workbench has not opened "passwd"');

    expect(await second.host.call('history:delete', { runId })).toEqual({ deleted: true });
    expect(((await second.host.call('history:list', {})) as ChannelResponse<'history:list'>).runs).toHaveLength(0);
    await expect(second.host.call('history:show', { runId })).rejects.toThrow(`There is no run ${runId}`);
  });
});
