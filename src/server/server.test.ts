/**
 * Browser mode for real: an HTTP + WebSocket server on 127.0.0.1, a real `ws` client, real uploads, and
 * a real training in a child process driven over the WebSocket.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseRunEvent, type RunEvent } from '../contract/run-events.js';
import { startWorkbenchServer, type WorkbenchServer } from './server.js';

let dir: string;
let server: WorkbenchServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workbench-server-test-'));
  const web = join(dir, 'web');
  await mkdir(join(web, 'assets'), { recursive: true });
  await writeFile(join(web, 'index.html'), '<!doctype html><title>Forecast Workbench</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(web, 'assets', 'app.js'), 'console.log("hi")');
  await writeFile(join(dir, 'secret.txt'), 'not for the browser');
  server = await startWorkbenchServer({ webRoot: web, runsDir: join(dir, 'runs'), exportsDir: join(dir, 'exports'), port: 0, maxUploadBytes: 64 * 1024, log: () => {} });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP (so Host and other headers are exactly what the test says). */
function http(path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A WebSocket client speaking the workbench protocol. */
async function client(token: string | null = server.token) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${token}`}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (frame: { ok: boolean; response?: unknown; error?: { message: string; kind: string } }) => void>();
  const events: RunEvent[] = [];
  /** Every frame the server sent, as text. */
  const frames: string[] = [];
  const eventWaiters: Array<() => void> = [];
  ws.on('message', (data) => {
    frames.push(data.toString());
    const frame = JSON.parse(data.toString());
    if (frame.stream === 'run-event') {
      events.push(parseRunEvent(frame.event));
      for (const w of eventWaiters.splice(0)) w();
    } else pending.get(frame.id)?.(frame);
  });
  return {
    ws,
    events,
    frames,
    call(channel: string, request: unknown = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, channel, request }));
      return new Promise<{ ok: boolean; response?: any; error?: { message: string; kind: string } }>((resolve) => pending.set(id, resolve));
    },
    until(predicate: (e: RunEvent) => boolean) {
      return new Promise<RunEvent>((resolve) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) resolve(found);
          else eventWaiters.push(check);
        };
        check();
      });
    },
  };
}

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 only and refuses other addresses', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const s = connect(server.port, external);
        s.once('connect', () => {
          s.destroy();
          resolve(null);
        });
        s.once('error', (e) => resolve(e));
      });
      expect(error?.code).toBe('ECONNREFUSED');
    }
    await expect(startWorkbenchServer({ webRoot: dir, runsDir: dir, exportsDir: dir, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('refuses pages without the token or with a wrong one (403)', async () => {
    expect((await http('/')).status).toBe(403);
    expect((await http('/?token=wrong')).status).toBe(403);
    expect((await http(`/?token=${server.token}x`)).status).toBe(403);
    expect((await http('/assets/app.js')).status).toBe(403);
    const forbidden = await http('/', { headers: { 'x-workbench-token': 'nope' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatch(/token/);
  });

  it('refuses a right token sent to another Host name (DNS rebinding)', async () => {
    const reply = await http(`/?token=${server.token}`, { headers: { Host: `evil.example:${server.port}` } });
    expect(reply.status).toBe(403);
  });

  it('serves the renderer with the token, with a strict CSP and a cookie for its assets', async () => {
    const page = await http(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Forecast Workbench');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:\/\/(?!127)/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await http('/assets/app.js', { headers: { Cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // Never outside the web root, even with the token.
    const escape = await http(`/..%2Fsecret.txt?token=${server.token}`);
    expect(escape.status).toBe(404);
    expect(escape.body).not.toContain('not for the browser');
  });

  it('refuses a WebSocket without the token or with a wrong one (403)', async () => {
    await expect(client(null)).rejects.toMatchObject({ status: 403 });
    await expect(client('wrong')).rejects.toMatchObject({ status: 403 });
  });

  it('answers calls over the WebSocket, validating requests', async () => {
    const c = await client();
    const info = await c.call('app:info');
    // The exports folder by name: no server path in a reply.
    expect(info).toEqual({ id: expect.any(Number), ok: true, response: expect.objectContaining({ host: 'browser', exportsDir: 'exports' }) });
    expect(JSON.stringify(info)).not.toContain(dir);
    const list = await c.call('datasets:list');
    expect(list.ok).toBe(true);
    expect(list.response[0]).toMatchObject({ name: 'sunspots.csv', bundled: true });
    expect(list.response[0].description).toMatch(/1749/);
    const unknown = await c.call('fs:read', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    const bad = await c.call('runs:stop', { runId: 42 });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/runId/) } });
    // Only paths the host handed out are accepted.
    const sneaky = await c.call('datasets:inspect', { path: join(dir, 'secret.txt') });
    expect(sneaky).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/has not opened/) } });
    const dialog = await c.call('datasets:open-dialog');
    expect(dialog).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/upload/) } });
    c.ws.close();
  });

  it('registers an uploaded CSV as a dataset that can then be inspected', async () => {
    const csv = 'Month,Value\n' + Array.from({ length: 40 }, (_, i) => `2000-${String((i % 12) + 1).padStart(2, '0')},${i * 1.5}`).join('\n') + '\n';
    const noToken = await http('/upload?name=mine.csv', { method: 'POST', body: csv });
    expect(noToken.status).toBe(403);
    const up = await http(`/upload?token=${server.token}&name=${encodeURIComponent('../../mine.csv')}`, { method: 'POST', body: csv, headers: { 'Content-Type': 'text/csv' } });
    expect(up.status).toBe(200);
    const ref = JSON.parse(up.body);
    expect(ref).toMatchObject({ name: 'mine.csv', bundled: false });
    // The page gets a handle and the name; the file stays in the server's uploads folder, unnamed to the page.
    expect(ref.path).toMatch(/^dataset-[0-9a-f]{16}$/);
    expect(up.body).not.toContain(server.uploadsDir);
    const stored = (await readdir(server.uploadsDir, { recursive: true })).find((f) => f.endsWith('mine.csv'))!;
    expect(await readFile(join(server.uploadsDir, stored), 'utf8')).toBe(csv);
    const c = await client();
    const inspected = await c.call('datasets:inspect', { path: ref.path });
    expect(inspected.ok).toBe(true);
    expect(inspected.response.rows).toBe(40);
    expect(inspected.response).toMatchObject({ path: ref.path, name: 'mine.csv' });
    expect(JSON.stringify(inspected.response)).not.toContain(server.uploadsDir);
    // A server path is not a dataset the page may use, even the uploaded file's own.
    const byPath = await c.call('datasets:inspect', { path: join(server.uploadsDir, stored) });
    expect(byPath).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/has not opened "mine.csv"/) } });
    expect(byPath.error?.message).not.toContain(server.uploadsDir);
    const series = await c.call('datasets:series', { path: ref.path, column: 'Value' });
    expect(series.ok).toBe(true);
    expect(series.response.values.slice(0, 3)).toEqual([0, 1.5, 3]);
    // Read in the engine worker, not in the server's process.
    const workerPid = (server.services.engine as { pid?: number }).pid;
    expect(workerPid).toBeTypeOf('number');
    expect(workerPid).not.toBe(process.pid);
    c.ws.close();
  });

  it('refuses uploads that are too large or not CSV, in a sentence', async () => {
    const big = await http(`/upload?token=${server.token}&name=big.csv`, { method: 'POST', body: Buffer.alloc(70 * 1024, 49) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).message).toMatch(/limit/);
    const exe = await http(`/upload?token=${server.token}&name=tool.exe`, { method: 'POST', body: 'MZ' });
    expect(exe.status).toBe(415);
    expect(JSON.parse(exe.body).message).toMatch(/not a CSV file/);
  });

  it('trains over the WebSocket: events are pushed, Stop and a second run work', async () => {
    const c = await client();
    const list = await c.call('datasets:list');
    const sunspots = list.response[0].path;
    const started = await c.call('runs:start', { config: { data: { path: sunspots }, training: { epochs: 2, batchSize: 32, seed: 3 } } });
    expect(started.ok).toBe(true);
    const { runId } = started.response;
    const end = await c.until((e) => (e.type === 'finished' || e.type === 'failed') && e.runId === runId);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    expect(c.events.filter((e) => e.runId === runId).map((e) => e.type).filter((t) => t === 'started' || t === 'epoch')).toEqual(['started', 'epoch', 'epoch']);
    const info = await c.call('app:info');
    expect(info.response.backend).toMatch(/^(tensorflow|cpu|wasm)$/);

    // Export the run's bundle under the exports folder; never over an existing one.
    const exported = await c.call('runs:export', { runId, name: 'my-model' });
    // Written to exports/my-model, and named so in the reply: the folder's name, not its server path.
    expect(exported).toMatchObject({ ok: true, response: { path: 'my-model' } });
    expect(JSON.stringify(exported)).not.toContain(dir);
    expect(JSON.parse(await readFile(join(dir, 'exports', 'my-model', 'model.json'), 'utf8'))).toHaveProperty('modelTopology');
    const again = await c.call('runs:export', { runId, name: 'my-model' });
    expect(again).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/already exists/) } });
    const opened = await c.call('bundles:open-path', { path: 'my-model' });
    // The folder exports/my-model, named by the host's handle and its name; no server path in the reply.
    expect(opened).toMatchObject({ ok: true, response: { dir: expect.stringMatching(/^bundle-[0-9a-f]{16}$/), name: 'my-model' } });
    expect(JSON.stringify(opened)).not.toContain(dir);
    const recent = await c.call('bundles:recent');
    expect(recent.response).toContainEqual(expect.objectContaining({ id: opened.response.dir, name: 'my-model', kind: 'bundle' }));
    expect(recent.response).toContainEqual(expect.objectContaining({ id: `run-${runId}`, kind: 'run' }));
    expect(JSON.stringify(recent)).not.toContain(dir);
    const outside = await c.call('bundles:open-path', { path: dir });
    expect(outside).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });

    // Stop mid-run.
    const second = await c.call('runs:start', { config: { data: { path: sunspots }, training: { epochs: 400, batchSize: 4, seed: 3 } } });
    const secondId = second.response.runId;
    await c.until((e) => e.type === 'epoch' && e.runId === secondId);
    expect(await c.call('runs:stop', { runId: secondId })).toMatchObject({ ok: true, response: { stopping: true } });
    const stopped = await c.until((e) => (e.type === 'finished' || e.type === 'failed') && e.runId === secondId);
    expect(stopped.type === 'finished' && stopped.result.stopReason).toBe('user');

    const refused = await c.call('runs:start', { config: { data: { path: join(dir, 'secret.txt') } } });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    c.ws.close();
  });

  it('names files and folders in every reply, event and error, and keeps their paths on the server', { timeout: 240_000 }, async () => {
    const c = await client();
    const csv = 'Month,Value\n' + Array.from({ length: 80 }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${(i % 12) * 2 + i * 0.1}`).join('\n') + '\n';
    const up = await http(`/upload?token=${server.token}&name=monthly.csv`, { method: 'POST', body: csv });
    const uploaded = JSON.parse(up.body);
    const list = await c.call('datasets:list');
    for (const ref of [...list.response, uploaded]) expect(ref.path).toMatch(/^dataset-[0-9a-f]{16}$/);
    expect((await c.call('datasets:inspect', { path: uploaded.path })).ok).toBe(true);
    expect((await c.call('datasets:series', { path: uploaded.path, column: 'Value', timeColumn: 'Month' })).ok).toBe(true);
    expect((await c.call('datasets:structure', { path: uploaded.path, column: 'Value', timeColumn: 'Month' })).ok).toBe(true);

    const started = await c.call('runs:start', { config: { data: { path: uploaded.path, column: 'Value', timeColumn: 'Month' }, prep: { timeSteps: 6 }, training: { epochs: 2, batchSize: 16, seed: 1 } } });
    const runId = started.response.runId;
    const end = await c.until((e) => (e.type === 'finished' || e.type === 'failed') && e.runId === runId);
    expect(end.type === 'failed' ? end.message : end.type).toBe('finished');
    if (end.type !== 'finished') return;
    // The result names its dataset by the handle the page used and its bundle by the run's handle.
    expect(end.result.config.data.path).toBe(uploaded.path);
    expect(end.result.dataset).toMatchObject({ path: uploaded.path, name: 'monthly.csv' });
    expect(end.result.bundleDir).toBe(`run-${runId}`);
    // ...and the handle is what the Anatomy tab and the bundle panel use.
    const anatomy = await c.call('anatomy:compute', { source: 'bundle', bundleDir: end.result.bundleDir });
    expect(anatomy.ok ? 'ok' : anatomy.error?.message).toBe('ok');
    const predicted = await c.call('bundles:predict', { bundleDir: end.result.bundleDir, path: uploaded.path });
    expect(predicted.ok ? 'ok' : predicted.error?.message).toBe('ok');

    for (let i = 0; i < 100 && (await c.call('history:list')).response.runs.find((r: { runId: string }) => r.runId === runId)?.status === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    const listing = await c.call('history:list');
    expect(listing.response.runsDir).toBe('the runs folder');
    const shown = await c.call('history:show', { runId });
    expect(shown.response.record.config.data.path).toBe(uploaded.path);
    expect((await c.call('history:export', { runId, name: 'kept' })).response).toEqual({ path: 'kept' });

    // Sentences name folders and files instead of giving their paths.
    const missing = await c.call('history:show', { runId: 'no-such-run' });
    expect(missing).toMatchObject({ ok: false, error: { message: expect.stringMatching(/the runs folder/) } });
    const twice = await c.call('history:export', { runId, name: 'kept' });
    expect(twice).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^"kept" in the exports folder already exists/) } });
    const byPath = await c.call('datasets:inspect', { path: join(dir, 'secret.txt') });
    expect(byPath).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/has not opened "secret.txt"/) } });
    const download = await http(`/bundle.zip?token=${server.token}&runId=no-such-run`);
    expect(download.status).toBe(400);

    // Not one frame (replies, run events, dataset progress, errors) nor HTTP answer names a folder of the server.
    const serverFolders = [dir, server.uploadsDir, tmpdir(), process.cwd()];
    for (const text of [...c.frames, up.body, download.body]) for (const folder of serverFolders) expect(text).not.toContain(folder);
    expect(c.frames.length).toBeGreaterThan(10);
    c.ws.close();
  });
});
