/**
 * Attacks and faults against the real browser-mode server: malformed WebSocket frames written on a raw
 * TCP socket after a real upgrade handshake, connections reset mid-frame and mid-upload, the asset
 * cookie as leaked by real Chromium to another server on 127.0.0.1, the uploads quota, and the uploads
 * folders of servers that died.
 */
import { chromium } from '@playwright/test';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseRunEvent, type RunEvent } from '../contract/run-events.js';
import { channels } from '../contract/workbench-api.js';
import { startWorkbenchServer, type WorkbenchServer } from './server.js';
import { MAX_WS_PAYLOAD_BYTES } from './websocket.js';
import { UPLOADS_PREFIX } from './upload.js';

let dir: string;
let server: WorkbenchServer;
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workbench-hardening-test-'));
  const web = join(dir, 'web');
  await mkdir(join(web, 'assets'), { recursive: true });
  await writeFile(join(web, 'index.html'), '<!doctype html><title>Forecast Workbench</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(web, 'assets', 'app.js'), 'console.log("hi")');
  server = await startWorkbenchServer({
    webRoot: web,
    runsDir: join(dir, 'runs'),
    exportsDir: join(dir, 'exports'),
    maxUploadBytes: 64 * 1024,
    maxUploadsTotalBytes: 100 * 1024,
    uploadsParentDir: join(dir, 'uploads'),
    log: (text) => logged.push(text),
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A workbench WebSocket client (the `ws` package, as a browser would use it). */
async function client(headers: Record<string, string> = {}, token: string | null = server.token) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${token ? `?token=${token}` : ''}`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (frame: { ok: boolean; response?: any; error?: { kind: string; message: string } }) => void>();
  const events: RunEvent[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.stream === 'run-event') {
      events.push(parseRunEvent(frame.event));
      for (const wake of waiters.splice(0)) wake();
    } else if (frame.id !== undefined) pending.get(frame.id)?.(frame);
  });
  return {
    ws,
    events,
    call(channel: string, request: unknown = {}, id = nextId++) {
      ws.send(JSON.stringify({ id, channel, request }));
      return new Promise<{ ok: boolean; response?: any; error?: { kind: string; message: string } }>((resolve) => pending.set(id, resolve));
    },
    /** The reply to a call with this id, sent by other means. */
    reply(id: number) {
      return new Promise<{ id: number; ok: boolean }>((resolve) => pending.set(id, resolve as never));
    },
    until(predicate: (e: RunEvent) => boolean) {
      return new Promise<RunEvent>((resolve) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) resolve(found);
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** The server under attack: this file's, or the `serve` command's process. */
interface Target {
  port: number;
  token: string;
}

/** A raw TCP connection that has completed a real WebSocket upgrade handshake with the server. */
async function upgradedSocket(target: Target = server): Promise<{ socket: Socket; afterHandshake: () => Buffer; closed: Promise<void> }> {
  const socket = connect(target.port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let headerEnd = -1;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        `GET /ws?token=${target.token} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (headerEnd < 0 && (headerEnd = received.indexOf('\r\n\r\n')) >= 0) {
        const status = received.subarray(0, received.indexOf('\r\n')).toString();
        if (status.startsWith('HTTP/1.1 101')) resolve();
        else reject(new Error(status));
      }
    });
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
  return { socket, afterHandshake: () => received.subarray(headerEnd + 4), closed };
}

/** A client frame: FIN + opcode (first byte given whole), masked unless said otherwise. */
function frame(firstByte: number, payload: Buffer, { masked = true, declaredLength }: { masked?: boolean; declaredLength?: number } = {}): Buffer {
  const length = declaredLength ?? payload.length;
  const mask = randomBytes(4);
  let header: Buffer;
  if (length < 126) header = Buffer.from([firstByte, (masked ? 0x80 : 0) | length]);
  else if (length < 65536) header = Buffer.concat([Buffer.from([firstByte, (masked ? 0x80 : 0) | 126]), Buffer.from([length >> 8, length & 0xff])]);
  else {
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    header = Buffer.concat([Buffer.from([firstByte, (masked ? 0x80 : 0) | 127]), big]);
  }
  const body = masked ? Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!)) : payload;
  return Buffer.concat([header, masked ? mask : Buffer.alloc(0), body]);
}

/** The first close frame among the server's (unmasked) frames, skipping pushed run events; null while incomplete. */
function firstCloseFrame(data: Buffer): Buffer | null {
  let at = 0;
  while (at + 2 <= data.length) {
    let length = data[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > data.length) return null;
      length = data.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > data.length) return null;
      length = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > data.length) return null;
    if ((data[at]! & 0x0f) === 0x8) return data.subarray(at, start + length);
    at = start + length;
  }
  return null;
}

/** Send one malformed frame; the server must answer with a close frame carrying `code`, then end the connection. */
async function closeCodeFor(bytes: Buffer, target: Target = server): Promise<number> {
  const { socket, afterHandshake, closed } = await upgradedSocket(target);
  const closeFrame = new Promise<Buffer>((resolve) => {
    const check = () => {
      const found = firstCloseFrame(afterHandshake());
      if (found && found.length >= 4) resolve(found);
    };
    socket.on('data', check);
    check();
  });
  socket.write(bytes);
  const data = await closeFrame;
  socket.end();
  await closed;
  expect(data[0]).toBe(0x88); // FIN + close
  return data.readUInt16BE(2);
}

const closeCode999 = Buffer.from([0x03, 0xe7]);

/** One malformed frame of each kind, with the close code the server must answer it with. */
const MALFORMED: Array<[string, Buffer, number]> = [
  ['over the size limit', frame(0x82, Buffer.alloc(0), { declaredLength: MAX_WS_PAYLOAD_BYTES + 1 }), 1009],
  ['invalid UTF-8 in a text frame', frame(0x81, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
  ['an unmasked client frame', frame(0x81, Buffer.from('{"id":1}'), { masked: false }), 1002],
  ['reserved opcode 3', frame(0x83, Buffer.from('x')), 1002],
  ['RSV1 without an extension', frame(0xc1, Buffer.from('{}')), 1002],
  ['close code 999', frame(0x88, closeCode999), 1002],
  ['a control frame over 125 bytes, not FIN', frame(0x09, Buffer.alloc(200)), 1002],
];

describe('WebSocket protocol errors end one connection, never the server', () => {
  it('closes each malformed connection with its code while another client and a running training go on', async () => {
    const a = await client();
    const [sunspots] = (await a.call('datasets:list')).response;
    const started = await a.call('runs:start', { config: { data: { path: sunspots.path }, training: { epochs: 400, batchSize: 4, seed: 5 }, trainer: 'tfjs' } });
    expect(started.ok).toBe(true);
    const { runId } = started.response;
    await a.until((e) => e.type === 'epoch' && e.runId === runId);

    // Each attack on its own connection, after a real handshake.
    for (const [what, bytes, code] of MALFORMED) expect(await closeCodeFor(bytes), what).toBe(code);

    // A connection reset in the middle of a frame.
    const reset = await upgradedSocket();
    reset.socket.write(frame(0x81, Buffer.from('{"id":1,"channel":"app:info","request":{}}')).subarray(0, 10));
    reset.socket.resetAndDestroy();
    await reset.closed;

    expect(logged.filter((line) => /closed a WebSocket connection/.test(line)).length).toBeGreaterThanOrEqual(7);

    // The first client still gets answers, a new one connects, and the training goes on.
    expect(await a.call('app:info')).toMatchObject({ ok: true, response: { host: 'browser' } });
    const b = await client();
    expect((await b.call('datasets:list')).ok).toBe(true);
    const epochsBefore = a.events.filter((e) => e.type === 'epoch' && e.runId === runId).length;
    await a.until((e) => e.type === 'epoch' && e.runId === runId && e.epoch > epochsBefore);
    expect(await b.call('runs:stop', { runId })).toMatchObject({ ok: true, response: { stopping: true } });
    const end = await a.until((e) => (e.type === 'finished' || e.type === 'failed') && e.runId === runId);
    expect(end.type === 'finished' && end.result.stopReason).toBe('user');
    a.ws.close();
    b.ws.close();
  });

  it('answers random frame payloads (property test): a reply for each one with an id, and the connection stays usable', async () => {
    const c = await client();
    let probe = 1e12;
    const channelNames = [...Object.keys(channels).filter((name) => name !== 'runs:start'), 'fs:read', ''];
    const payload = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ id: fc.nat(), channel: fc.constantFrom(...channelNames), request: fc.jsonValue() }),
      fc.record({ id: fc.oneof(fc.nat(), fc.double(), fc.string()), channel: fc.jsonValue(), request: fc.anything() }).map((call) => JSON.stringify(call) ?? 'null'),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (sent) => {
        const text = typeof sent === 'string' ? sent : Buffer.isBuffer(sent) ? null : JSON.stringify(sent);
        let id: unknown;
        try {
          id = text === null ? undefined : (JSON.parse(text) as { id?: unknown } | null)?.id;
        } catch {
          id = undefined;
        }
        const answered = typeof id === 'number' && Number.isInteger(id) && id >= 0 ? c.reply(id) : null;
        c.ws.send(text ?? (sent as Buffer), { binary: text === null });
        if (answered) expect(await answered).toMatchObject({ id, ok: expect.any(Boolean) });
        expect(await c.call('app:info', {}, probe++)).toMatchObject({ ok: true });
      }),
      { numRuns: 150 },
    );
    c.ws.close();
  });

  it('the `serve` command, as its own process, survives every malformed frame and stops cleanly', async () => {
    const serve = spawn(process.execPath, [join(process.cwd(), 'bin', 'serve.mjs'), '--port', '0', '--web-root', join(dir, 'web'), '--runs-dir', join(dir, 'serve-runs'), '--exports-dir', join(dir, 'serve-exports')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    serve.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        const look = () => {
          const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
          if (found) resolve(new URL(found[0]));
        };
        serve.stdout.on('data', look);
        void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
      });
      const target = { port: Number(url.port), token: url.searchParams.get('token')! };
      for (const [what, bytes, code] of MALFORMED) expect(await closeCodeFor(bytes, target), what).toBe(code);
      expect(serve.exitCode).toBeNull();
      const ws = new WebSocket(`ws://127.0.0.1:${target.port}/ws?token=${target.token}`);
      const reply = await new Promise<{ ok: boolean; response?: { host?: string } }>((resolve, reject) => {
        ws.once('open', () => ws.send(JSON.stringify({ id: 1, channel: 'app:info', request: {} })));
        ws.once('message', (data) => resolve(JSON.parse(data.toString())));
        ws.once('error', reject);
      });
      expect(reply).toMatchObject({ ok: true, response: { host: 'browser' } });
      ws.close();
      serve.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (serve.exitCode === null) serve.kill('SIGKILL');
    }
  });

  it('disconnects a client that sends calls but never reads the replies, and keeps serving others', async () => {
    let disconnected!: () => void;
    const sawDisconnect = new Promise<void>((resolve) => (disconnected = resolve));
    const small = await startWorkbenchServer({
      webRoot: join(dir, 'web'),
      runsDir: join(dir, 'small-runs'),
      exportsDir: join(dir, 'small-exports'),
      uploadsParentDir: join(dir, 'uploads'),
      maxWsBufferedBytes: 256 * 1024,
      log: (text) => {
        if (/does not read/.test(text)) disconnected();
      },
    });
    try {
      const target = { port: small.port, token: small.token };
      const { socket, closed } = await upgradedSocket(target);
      socket.pause(); // never read what the server sends
      const call = frame(0x81, Buffer.from(JSON.stringify({ id: 1, channel: 'datasets:list', request: {} })));
      // Far more replies than the socket buffers and the limit hold; writes stop once the server has let go.
      for (let i = 0; i < 20_000 && !socket.destroyed; i++) {
        if (!socket.write(call)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), sawDisconnect]);
      }
      await sawDisconnect;
      socket.resume();
      socket.destroy();
      await closed;
      const ws = new WebSocket(`ws://127.0.0.1:${small.port}/ws?token=${small.token}`);
      const reply = await new Promise<{ ok: boolean }>((resolve, reject) => {
        ws.once('open', () => ws.send(JSON.stringify({ id: 7, channel: 'app:info', request: {} })));
        ws.once('message', (data) => resolve(JSON.parse(data.toString())));
        ws.once('error', reject);
      });
      expect(reply).toMatchObject({ ok: true });
      ws.close();
    } finally {
      await small.close();
    }
  });

  it('survives an upload reset mid-body and still takes the next one', async () => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /upload?token=${server.token}&name=cut.csv HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 50000\r\n\r\nMonth,Value\n2000-01,1\n`);
    await new Promise((resolve) => setImmediate(resolve));
    socket.resetAndDestroy();
    const up = await post(`/upload?token=${server.token}&name=after.csv`, 'a,b\n1,2\n');
    expect(up.status).toBe(200);
  });
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return send('POST', path, headers, body);
}

function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the token is not usable by another local origin', () => {
  let other: Server;
  const seenCookies: string[] = [];

  beforeAll(async () => {
    // Another web server on 127.0.0.1 (another port) that the user visits in the same browser.
    other = createServer((req, res) => {
      if (req.headers.cookie) seenCookies.push(req.headers.cookie);
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>another local app</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it('Chromium sends the page cookie to the other server, but that cookie opens neither /ws nor /upload', async () => {
    const chromiumPath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const workbench = await page.goto(server.url);
      expect(workbench?.status()).toBe(200);
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    } finally {
      await browser.close();
    }
    // Cookies are not scoped by port: the other server got the workbench's cookie …
    const leaked = seenCookies.join('; ');
    expect(leaked).toMatch(new RegExp(`workbench-assets-${server.port}=`));
    // … but never the token,
    expect(leaked).not.toContain(server.token);
    // and with everything it received it can use neither the WebSocket nor uploads.
    await expect(client({ Cookie: leaked }, null)).rejects.toMatchObject({ status: 403 });
    const upload = await post('/upload?name=x.csv', 'a,b\n1,2\n', { Cookie: leaked });
    expect(upload.status).toBe(403);
    // The cookie opens only the renderer's public files.
    expect((await send('GET', '/assets/app.js', { Cookie: leaked })).status).toBe(200);
    // The page itself reaches the WebSocket with the token from its URL.
    const own = await client();
    expect((await own.call('app:info')).ok).toBe(true);
    own.ws.close();
  });
});

describe('the built page and its token', () => {
  const webRoot = join(process.cwd(), 'out', 'web');
  const built = existsSync(join(webRoot, 'index.html'));
  if (!built) console.warn('Skipping the built-page token test: out/web is missing (npm run build:web builds it).');

  it.skipIf(!built)('takes the token from the URL once: out of the address bar, kept for a reload of the tab, not given to a new tab', async () => {
    const pageServer = await startWorkbenchServer({ webRoot, runsDir: join(dir, 'page-runs'), exportsDir: join(dir, 'page-exports'), uploadsParentDir: join(dir, 'uploads'), log: () => {} });
    const browser = await chromium.launch({ executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(pageServer.url);
      const chart = page.getByTestId('series-chart');
      await chart.waitFor({ state: 'visible', timeout: 60_000 });
      expect(page.url()).toBe(`http://127.0.0.1:${pageServer.port}/`);
      expect(page.url()).not.toContain(pageServer.token);
      expect((await context.cookies()).map((c) => c.value)).not.toContain(pageServer.token);

      await page.reload();
      await chart.waitFor({ state: 'visible', timeout: 60_000 });

      const other = await context.newPage();
      await other.goto(`http://127.0.0.1:${pageServer.port}/`);
      await other.getByRole('alert').waitFor({ timeout: 60_000 });
      expect(await other.getByRole('alert').textContent()).toMatch(/access token/);
    } finally {
      await browser.close();
      await pageServer.close();
    }
  });
});

describe('uploads', () => {
  it('are limited in total, in a sentence', async () => {
    const fill = 'v\n' + '1\n'.repeat(20_000); // 40 kB
    const first = await post(`/upload?token=${server.token}&name=one.csv`, fill);
    expect(first.status).toBe(200);
    // Uploads made by other tests of this file may already count: fill up to the 100 kB quota.
    let refused: Reply | null = null;
    for (let i = 0; i < 3 && !refused; i++) {
      const next = await post(`/upload?token=${server.token}&name=more-${i}.csv`, fill);
      if (next.status !== 200) refused = next;
    }
    expect(refused?.status).toBe(413);
    expect(JSON.parse(refused!.body).message).toMatch(/limited to 100\.0 KB in all/);
  });

  it('left by a server that died are removed when the next server starts; those of running servers stay', async () => {
    const parent = join(dir, 'crash-uploads');
    await mkdir(parent, { recursive: true });
    // A real process that has exited: its pid names a dead server's folder.
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    const deadFolder = join(parent, `${UPLOADS_PREFIX}${deadPid}-abc123`);
    await mkdir(deadFolder);
    await writeFile(join(deadFolder, 'left.csv'), 'a\n1\n');
    const liveFolder = join(parent, `${UPLOADS_PREFIX}${process.ppid}-def456`);
    await mkdir(liveFolder);
    const unrelated = join(parent, 'someone-else');
    await mkdir(unrelated);

    const next = await startWorkbenchServer({ webRoot: join(dir, 'web'), runsDir: join(dir, 'runs'), exportsDir: join(dir, 'exports'), uploadsParentDir: parent, log: () => {} });
    try {
      const names = await readdir(parent);
      expect(names).not.toContain(`${UPLOADS_PREFIX}${deadPid}-abc123`);
      expect(names).toContain(`${UPLOADS_PREFIX}${process.ppid}-def456`);
      expect(names).toContain('someone-else');
      expect(names.filter((n) => n.startsWith(`${UPLOADS_PREFIX}${process.pid}-`))).toHaveLength(1);
    } finally {
      await next.close();
    }
    expect(existsSync(next.uploadsDir)).toBe(false);
  });
});
