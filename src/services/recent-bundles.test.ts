/**
 * The recent-models list on real folders and a real file: newest first, one entry per folder, folders that
 * are gone left out, runs listed after the bundles, handles that resolve only to what the list holds.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../contract/run-history.js';
import { isBundleHandle, RecentBundles } from './recent-bundles.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'recent-bundles-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const run = (runId: string, status: RunSummary['status'], bundleDir: string | null) =>
  ({ runId, name: `run ${runId}`, status, startedAt: '2026-01-01T00:00:00.000Z', bundleDir, dataset: { name: 'air.csv', column: 'Passengers' }, model: 'lstm(8)' }) as RunSummary;

describe('RecentBundles', () => {
  it('keeps one entry per folder, newest first, leaves out folders that are gone, and lists finished runs after them', async () => {
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    await mkdir(a);
    await mkdir(b);
    const recent = new RecentBundles({
      file: join(root, 'recent.json'),
      listRuns: async () => [run('r1', 'finished', join(root, 'runs', 'r1')), run('r2', 'failed', null), run('r3', 'finished', null)],
      runBundle: async (runId) => (runId === 'r1' ? join(root, 'runs', 'r1') : null),
    });
    const idA = await recent.remember(a, 'a', 'Passengers · LSTM(8)');
    const idB = await recent.remember(b, 'b', 'Value · GRU(4)');
    expect(await recent.remember(a, 'a again', 'Passengers · LSTM(8)')).toBe(idA);
    expect(isBundleHandle(idA) && isBundleHandle(idB)).toBe(true);
    expect((await recent.list()).map((e) => [e.id, e.name, e.kind])).toEqual([
      [idA, 'a again', 'bundle'],
      [idB, 'b', 'bundle'],
      ['run-r1', 'run r1', 'run'],
    ]);
    expect(await readFile(join(root, 'recent.json'), 'utf8')).toContain(a); // paths stay in the host's file
    expect(JSON.stringify(await recent.list())).not.toContain(root); // and out of the list it hands out
    expect(await recent.resolve(idB)).toBe(b);
    expect(await recent.resolve('run-r1')).toBe(join(root, 'runs', 'r1'));
    expect(await recent.resolve('run-r2')).toBeNull();
    expect(await recent.resolve('../etc')).toBeNull();
    await rm(b, { recursive: true });
    expect((await recent.list()).map((e) => e.id)).toEqual([idA, 'run-r1']);
    expect(await recent.resolve(idB)).toBeNull();
  });

  it('starts a new list when the file is damaged, and keeps at most twenty bundles', async () => {
    const file = join(root, 'damaged.json');
    await writeFile(file, '{ not json');
    const recent = new RecentBundles({ file });
    expect(await recent.list()).toEqual([]);
    const folders = await Promise.all(Array.from({ length: 25 }, async (_, i) => {
      const folder = join(root, 'many', String(i));
      await mkdir(folder, { recursive: true });
      return folder;
    }));
    for (const [i, folder] of folders.entries()) await recent.remember(folder, `m${i}`, '');
    const names = (await recent.list()).map((e) => e.name);
    expect(names).toHaveLength(20);
    expect(names[0]).toBe('m24');
    expect(names.at(-1)).toBe('m5');
  });
});
