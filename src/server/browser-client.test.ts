/**
 * The renderer's browser-mode transport (src/renderer/src/api/browser-client.ts) against the real server:
 * token from the page location, calls with ids, validated responses, pushed run events, readable errors.
 * (Node 20 has no global WebSocket, so the `ws` package stands in for the browser's; same API.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunEvent } from '../contract/run-events.js';
import type { DatasetProgress } from '../contract/workbench-api.js';
import { startWorkbenchServer, type WorkbenchServer } from './server.js';

// Imported by path at run time: the renderer's files belong to the web TypeScript project, not this one.
const CLIENT_MODULE = '../renderer/src/api/browser-client.ts';
/** The part of the renderer's WorkbenchClient (src/renderer/src/api/client.ts) this test uses. */
interface WorkbenchClient {
  host: string;
  call(channel: string, request: unknown): Promise<any>;
  onRunEvent(listener: (event: RunEvent) => void): () => void;
  onDatasetProgress(listener: (progress: DatasetProgress) => void): () => void;
}
type CreateBrowserClient = (options: { location: { protocol: string; host: string; search: string }; WebSocketImpl: unknown }) => Promise<WorkbenchClient>;
let createBrowserClient: CreateBrowserClient;

let dir: string;
let server: WorkbenchServer;
const location = () => ({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` });

beforeAll(async () => {
  ({ createBrowserClient } = (await import(/* @vite-ignore */ CLIENT_MODULE)) as { createBrowserClient: CreateBrowserClient });
  dir = await mkdtemp(join(tmpdir(), 'workbench-client-test-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  server = await startWorkbenchServer({ webRoot: dir, runsDir: join(dir, 'runs'), exportsDir: join(dir, 'exports'), log: () => {} });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('browser-mode WorkbenchClient', () => {
  it('says what to do when the page URL has no token, and when the token is wrong', async () => {
    await expect(createBrowserClient({ location: { ...location(), search: '' }, WebSocketImpl: WebSocket as never })).rejects.toThrow(/access token/);
    await expect(createBrowserClient({ location: { ...location(), search: '?token=nope' }, WebSocketImpl: WebSocket as never })).rejects.toThrow(/Cannot reach the workbench server/);
  });

  it('calls channels, validates answers, turns host errors into sentences, and receives run events', async () => {
    const client = await createBrowserClient({ location: location(), WebSocketImpl: WebSocket as never });
    expect(client.host).toBe('browser');
    const info = await client.call('app:info', {});
    expect(info.host).toBe('browser');
    const datasets = await client.call('datasets:list', {});
    expect(datasets.map((d: { name: string }) => d.name)).toContain('sunspots.csv');
    await expect(client.call('datasets:inspect', { path: '/etc/passwd' })).rejects.toMatchObject({ kind: 'invalid-input', message: expect.stringMatching(/has not opened/) });
    await expect(client.call('runs:stop', { runId: '' })).rejects.toMatchObject({ kind: 'invalid-input' });

    const events: RunEvent[] = [];
    const finished = new Promise<RunEvent>((resolve) =>
      client.onRunEvent((e) => {
        events.push(e);
        if (e.type === 'finished' || e.type === 'failed') resolve(e);
      }),
    );
    const { runId } = await client.call('runs:start', { config: { data: { path: datasets[0].path }, training: { epochs: 2, batchSize: 32 } } });
    const end = await finished;
    expect(end).toMatchObject({ type: 'finished', runId });
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
  });

  it('receives the progress of reading a dataset, ending at 1, before the answer', async () => {
    const client = await createBrowserClient({ location: location(), WebSocketImpl: WebSocket as never });
    const [sunspots] = await client.call('datasets:list', {});
    const seen: DatasetProgress[] = [];
    const stop = client.onDatasetProgress((p) => seen.push(p));
    await client.call('datasets:inspect', { path: sunspots.path });
    await client.call('datasets:series', { path: sunspots.path, column: 'Sunspots' });
    stop();
    expect(seen.at(0)).toEqual({ path: sunspots.path, phase: 'inspect', fraction: expect.any(Number) });
    expect(seen.filter((p) => p.phase === 'inspect').at(-1)!.fraction).toBe(1);
    expect(seen.filter((p) => p.phase === 'series').at(-1)).toEqual({ path: sunspots.path, phase: 'series', fraction: 1 });
  });

  it('reports a lost connection as a sentence', async () => {
    const client = await createBrowserClient({ location: location(), WebSocketImpl: WebSocket as never });
    await server.close();
    await new Promise((r) => setTimeout(r, 100));
    await expect(client.call('app:info', {})).rejects.toThrow(/connection to the workbench server was lost/);
  });
});
