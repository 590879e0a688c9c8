/**
 * Browser mode, bundles in and out as one zip, for real: a real server on 127.0.0.1, a real training in a
 * child process, the bundle downloaded over HTTP, uploaded again, reopened from the recent list and used to
 * forecast a CSV whose column is named differently (with a column mapping); a tampered archive refused
 * with its sentence, nothing written. No reply carries a server path.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import yauzl from 'yauzl';
import { BundleSummarySchema } from '../contract/bundles.js';
import { parseRunEvent, type RunEvent } from '../contract/run-events.js';
import { startWorkbenchServer, type WorkbenchServer } from './server.js';

let dir: string;
let server: WorkbenchServer;
let ws: WebSocket;
let runId: string;
let nextId = 1;
const pending = new Map<number, (frame: { ok: boolean; response?: any; error?: { message: string; kind: string } }) => void>();
const events: RunEvent[] = [];

function call(channel: string, request: unknown = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, channel, request }));
  return new Promise<{ ok: boolean; response?: any; error?: { message: string; kind: string } }>((resolve) => pending.set(id, resolve));
}

function http(path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const auth = () => ({ 'x-workbench-token': server.token });
const upload = (name: string, body: Buffer) => http(`/upload-bundle?name=${encodeURIComponent(name)}`, { method: 'POST', body, headers: { ...auth(), 'Content-Type': 'application/zip' } });

async function zipEntries(bytes: Buffer): Promise<string[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const names: string[] = [];
  for await (const entry of zip.eachEntry()) names.push(entry.fileName);
  return names;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workbench-bundle-transfer-'));
  server = await startWorkbenchServer({ webRoot: dir, runsDir: join(dir, 'runs'), exportsDir: join(dir, 'exports'), port: 0, log: () => {} });
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const finished = new Promise<RunEvent>((resolve) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.stream === 'run-event') {
        const event = parseRunEvent(frame.event);
        events.push(event);
        if (event.type === 'finished' || event.type === 'failed') resolve(event);
      } else if (frame.id) pending.get(frame.id)?.(frame);
    });
  });
  const datasets = await call('datasets:list');
  const air = datasets.response.find((d: { name: string }) => d.name === 'air-passengers.csv');
  const started = await call('runs:start', { config: { data: { path: air.path, column: 'Passengers' }, prep: { timeSteps: 4 }, training: { epochs: 2, batchSize: 16, seed: 3 } } });
  runId = started.response.runId;
  const end = await finished;
  expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
}, 180_000);

afterAll(async () => {
  ws?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('bundles as zip archives in browser mode', () => {
  let archive: Buffer;

  it('downloads a finished run as one zip (token required), the bundle files in one folder', async () => {
    expect((await http(`/bundle.zip?runId=${runId}&name=air`)).status).toBe(403);
    const reply = await http(`/bundle.zip?runId=${runId}&name=air`, { headers: auth() });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/zip');
    expect(String(reply.headers['content-disposition'])).toMatch(/^attachment; filename="air\.zip"/);
    archive = reply.body;
    const names = await zipEntries(archive);
    expect(names).toEqual(expect.arrayContaining(['air/model.json', 'air/weights.bin', 'air/metadata.json', 'air/predictions.csv', 'air/loss-history.csv']));
    expect(names.every((n) => n.startsWith('air/'))).toBe(true);
    // Nothing was written on the server's disk for it.
    expect(await readdir(join(dir, 'exports'))).toEqual([]);
    const unknown = await http('/bundle.zip?runId=nope', { headers: auth() });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body.toString()).message).toMatch(/Run nope has no result to export/);
  });

  it('opens an uploaded archive; it is then in the recent list, named by a handle and not by a path', async () => {
    const reply = await upload('air.zip', archive);
    expect(reply.status).toBe(200);
    const summary = BundleSummarySchema.parse(JSON.parse(reply.body.toString()));
    expect(summary).toMatchObject({ name: 'air', runId, windowing: { features: ['Passengers'], timeSteps: 4 } });
    expect(summary.dir).toMatch(/^bundle-[0-9a-f]{16}$/);
    expect(reply.body.toString()).not.toContain(dir);
    const recent = await call('bundles:recent');
    expect(recent.response[0]).toMatchObject({ id: summary.dir, name: 'air', kind: 'bundle', detail: 'Passengers · SimpleRNN(3)' });
    expect(recent.response).toContainEqual(expect.objectContaining({ id: `run-${runId}`, kind: 'run' }));
    expect(JSON.stringify(recent.response)).not.toContain(dir);
    const reopened = await call('bundles:open-recent', { id: summary.dir });
    expect(reopened).toMatchObject({ ok: true, response: { dir: summary.dir, name: 'air' } });
    const run = await call('bundles:open-recent', { id: `run-${runId}` });
    expect(run).toMatchObject({ ok: true, response: { runId } });
    expect(JSON.stringify(run)).not.toContain(dir);
    // Anatomy of the uploaded bundle, named by its handle.
    const anatomy = await call('anatomy:compute', { source: 'bundle', bundleDir: summary.dir, input: null });
    expect(anatomy).toMatchObject({ ok: true, response: { source: 'bundle', bundleDir: summary.dir } });
    expect(JSON.stringify(anatomy)).not.toContain(dir);
    const gone = await call('bundles:open-recent', { id: 'bundle-0123456789abcdef' });
    expect(gone).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: 'That model bundle is no longer there: open or upload it again.' } });
  });

  it('forecasts a CSV whose column is named differently once its columns are mapped', async () => {
    const summary = BundleSummarySchema.parse(JSON.parse((await upload('air.zip', archive)).body.toString()));
    const csv = 'Month,Total\n' + Array.from({ length: 40 }, (_, i) => `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${200 + 40 * Math.sin(i / 2)}`).join('\n') + '\n';
    const up = await http(`/upload?name=renamed.csv`, { method: 'POST', body: csv, headers: auth() });
    const ref = JSON.parse(up.body.toString());
    const refused = await call('bundles:predict', { bundleDir: summary.dir, path: ref.path });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/^renamed\.csv does not fit this bundle, which needs target "Passengers"/) } });
    const mapped = await call('bundles:predict', { bundleDir: summary.dir, path: ref.path, columns: { Passengers: 'Total' } });
    expect(mapped.ok).toBe(true);
    expect(mapped.response).toMatchObject({ bundleDir: summary.dir, dataset: { column: 'Total' } });
    expect(mapped.response.predictions.length).toBeGreaterThan(0);
    expect(mapped.response.warnings).toContain(`renamed.csv's column "Total" was used as the model's "Passengers".`);
    expect(JSON.stringify(mapped.response)).not.toContain(join(dir, 'exports'));
  });

  it('refuses a tampered archive with its sentence and writes nothing', async () => {
    const before = await readdir(join(dir, 'exports'));
    // A foreign file patched into the archive under a bundle folder name of the same length.
    const tampered = Buffer.from(archive.toString('latin1').split('air/README.txt').join('air/../../evil'), 'latin1');
    const reply = await upload('tampered.zip', tampered);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString())).toEqual({ kind: 'invalid-input', message: expect.stringMatching(/^tampered\.zip was refused: it names a file outside the bundle folder .*Nothing was written\.$/) });
    expect(await readdir(join(dir, 'exports'))).toEqual(before);
    const notZip = await upload('notes.zip', Buffer.from('not a zip'));
    expect(JSON.parse(notZip.body.toString()).message).toMatch(/^notes\.zip was refused: it is not a readable zip archive/);
    const wrongType = await upload('model.json', Buffer.from('{}'));
    expect(JSON.parse(wrongType.body.toString()).message).toMatch(/model\.json is not a zip archive/);
    const huge = await http('/upload-bundle?name=huge.zip', { method: 'POST', headers: { ...auth(), 'Content-Length': String(300 * 1024 * 1024) } }).catch(() => null);
    if (huge) {
      expect(huge.status).toBe(413);
      expect(JSON.parse(huge.body.toString()).message).toMatch(/larger than 256\.0 MB, the limit for a bundle archive/);
    }
    expect(await readdir(join(dir, 'exports'))).toEqual(before);
  });
});
