/**
 * Browser mode: the workbench host served over HTTP + WebSocket on the loopback interface, for testing
 * the UI in a browser and for users training on another machine through an SSH tunnel.
 *
 * - Listens on 127.0.0.1 (or another loopback address) only, on `port` (0 = a free one).
 * - A random token guards everything: the page URL carries it (?token=…); the page response sets it as
 *   a SameSite=Strict cookie so the page's own assets load; the WebSocket and uploads carry it in the
 *   query, the x-workbench-token header or that cookie. Anything else gets 403. Host and Origin headers
 *   must name this server (DNS-rebinding protection).
 * - GET /… serves the built renderer (webRoot) with a strict CSP.
 * - /ws: {id, channel, request} calls → {id, ok, response | error} replies; run events pushed as
 *   {stream: 'run-event', event}, dataset reading progress as {stream: 'dataset-progress', event}.
 * - POST /upload?name=… streams a CSV to a private temp folder and registers it as a dataset.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_UPLOAD_BYTES, TOKEN_HEADER, TOKEN_QUERY, UPLOAD_PATH, WS_PATH, WsCallSchema, type WsServerFrame } from '../contract/host-protocol.js';
import { InvalidInputError } from '../contract/run-config.js';
import { DATASET_PROGRESS_STREAM, RUN_EVENT_STREAM } from '../contract/workbench-api.js';
import { createStandardHost, type StandardHost } from '../services/create-host.js';
import { DATASET_EXTENSIONS, formatBytes } from '../services/dataset-service.js';
import type { HostEngine } from '../services/engine-bindings.js';
import { ENGINE_WORKER_ENTRY_TS, forkLauncher } from '../services/fork-launcher.js';
import type { TrainingProcessLauncher } from '../services/launcher.js';
import { toCallError } from '../services/workbench-host.js';
import { COMMON_HEADERS, contentSecurityPolicy } from '../services/content-security-policy.js';
import { fileForUrlPath, indexHtml, sendFile } from './static-files.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WorkbenchServerOptions {
  /** Port to listen on; 0 (default) = any free port. */
  port?: number;
  /** Folder of the built renderer (e.g. out/web). */
  webRoot: string;
  /** Where run bundles are written (runsDir/runId). */
  runsDir: string;
  /** Where exports go. */
  exportsDir: string;
  /** Loopback address to listen on (default 127.0.0.1); other addresses are refused. */
  host?: string;
  /** Bundled CSVs (default resources/datasets). */
  bundledDatasetsDir?: string;
  /** How training processes start (default: child_process.fork of the TypeScript entry via tsx). */
  launcher?: TrainingProcessLauncher;
  /** How the engine worker starts (default: child_process.fork of its TypeScript entry via tsx). */
  engineLauncher?: TrainingProcessLauncher;
  /** Call this engine in-process instead of in the engine worker (tests). */
  engine?: HostEngine;
  /** Largest upload (default 500 MB). */
  maxUploadBytes?: number;
  log?: (text: string) => void;
}

export interface WorkbenchServer {
  /** The page URL with the token, e.g. http://127.0.0.1:41234/?token=… */
  url: string;
  token: string;
  port: number;
  services: StandardHost;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function queryOf(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://workbench.invalid');
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function sameToken(a: string | null | undefined, expected: Buffer): boolean {
  if (typeof a !== 'string') return false;
  const given = Buffer.from(a, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function packageVersion(): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function startWorkbenchServer(options: WorkbenchServerOptions): Promise<WorkbenchServer> {
  const listenHost = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(listenHost)) {
    throw new InvalidInputError(`Browser mode listens on the loopback interface only (127.0.0.1 or ::1), not on ${listenHost}. Use an SSH tunnel to reach it from another machine.`);
  }
  const log = options.log ?? ((text: string) => process.stderr.write(`workbench server: ${text}\n`));
  const maxUpload = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const webRoot = resolve(options.webRoot);
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token, 'utf8');
  await mkdir(options.runsDir, { recursive: true });
  await mkdir(options.exportsDir, { recursive: true });
  const uploadsDir = await mkdtemp(join(tmpdir(), 'forecast-workbench-uploads-'));

  const services = createStandardHost({
    kind: 'browser',
    version: await packageVersion(),
    launcher: options.launcher ?? forkLauncher(),
    bundledDatasetsDir: options.bundledDatasetsDir ?? join(PROJECT_ROOT, 'resources', 'datasets'),
    runsDir: resolve(options.runsDir),
    exportsDir: resolve(options.exportsDir),
    dialogs: null,
    acceptDroppedPaths: false,
    // The heavy engine calls (CSV reading, anatomy, bundles) run in one long-lived worker process.
    engineLauncher: options.engine ? undefined : (options.engineLauncher ?? forkLauncher({ entry: ENGINE_WORKER_ENTRY_TS, serialization: 'advanced' })),
    engine: options.engine,
    log,
  });
  const { host, datasets } = services;

  let port = 0;
  const cookieName = () => `workbench-token-${port}`;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));
  const csp = () => contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  /** Why a request is refused, or null when it carries the token and names this server. */
  function refusal(req: IncomingMessage): string | null {
    if (!allowedHosts().has(String(req.headers.host ?? '').toLowerCase())) return 'unknown Host header';
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return 'request from another origin';
    const url = queryOf(req);
    const header = req.headers[TOKEN_HEADER];
    if (
      sameToken(url.searchParams.get(TOKEN_QUERY), tokenBytes) ||
      sameToken(Array.isArray(header) ? header[0] : header, tokenBytes) ||
      sameToken(cookieValue(req, cookieName()), tokenBytes)
    ) {
      return null;
    }
    return 'missing or wrong token';
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  function sendText(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text + '\n');
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawName = queryOf(req).searchParams.get('name') ?? 'upload.csv';
    const name = basename(rawName.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '').slice(0, 200) || 'upload.csv';
    if (!DATASET_EXTENSIONS.includes(extname(name).toLowerCase())) {
      req.resume();
      return sendJson(res, 415, { kind: 'invalid-input', message: `${name} is not a CSV file: upload a .csv, .tsv or .txt file.` });
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) {
      res.setHeader('Connection', 'close');
      sendJson(res, 413, { kind: 'invalid-input', message: `${name} is ${formatBytes(declared)}; uploads are limited to ${formatBytes(maxUpload)}.` });
      req.destroy();
      return;
    }
    const folder = join(uploadsDir, randomBytes(8).toString('hex'));
    await mkdir(folder);
    const path = join(folder, name);
    const out = createWriteStream(path, { flags: 'wx' });
    let received = 0;
    let tooLarge = false;
    const ok = await new Promise<boolean>((done) => {
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxUpload && !tooLarge) {
          tooLarge = true;
          req.unpipe(out);
          out.destroy();
          done(false);
        }
      });
      req.on('error', () => done(false));
      req.on('aborted', () => done(false));
      out.on('error', () => done(false));
      out.on('finish', () => done(!tooLarge));
      req.pipe(out);
    });
    if (!ok) {
      await rm(folder, { recursive: true, force: true });
      if (tooLarge) {
        res.setHeader('Connection', 'close');
        sendJson(res, 413, { kind: 'invalid-input', message: `${name} is larger than ${formatBytes(maxUpload)}, the upload limit.` });
        req.destroy();
      } else if (!res.headersSent && !res.destroyed) {
        sendJson(res, 400, { kind: 'invalid-input', message: `The upload of ${name} did not complete.` });
      }
      return;
    }
    if (received === 0) {
      await rm(folder, { recursive: true, force: true });
      return sendJson(res, 400, { kind: 'invalid-input', message: `${name} is empty.` });
    }
    const ref = datasets.register(path, { name, description: `Uploaded file, ${formatBytes(received)}.` });
    sendJson(res, 200, ref);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const why = refusal(req);
    if (why) {
      req.resume();
      return sendText(res, 403, `Forbidden: ${why}. Open the URL with the token that \`npm run serve\` printed.`);
    }
    const url = queryOf(req);
    if (url.pathname === UPLOAD_PATH) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST to upload a file.');
      return handleUpload(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return sendText(res, 405, 'Method not allowed.');
    }
    const file = fileForUrlPath(webRoot, url.pathname);
    if (!file) return sendText(res, 404, 'Not found.');
    const isHtml = file.endsWith('.html');
    const headers: Record<string, string> = { ...COMMON_HEADERS, 'Content-Security-Policy': csp() };
    if (isHtml) {
      headers['Set-Cookie'] = `${cookieName()}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
      if (!existsSync(file) && file === indexHtml(webRoot)) {
        return sendText(res, 503, `The renderer is not built: ${webRoot} has no index.html. Run \`npm run build:web\` first.`);
      }
    }
    if (await sendFile(res, file, headers, req.method === 'HEAD')) return;
    if (url.pathname === '/favicon.ico') {
      // No icon in the build: answer quietly instead of a 404 in the console.
      res.writeHead(204, COMMON_HEADERS);
      return void res.end();
    }
    sendText(res, 404, 'Not found.');
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`request ${req.method} ${queryOf(req).pathname} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, toCallError(error));
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('upgrade', (req, socket, head) => {
    const why = refusal(req);
    if (why || queryOf(req).pathname !== WS_PATH) {
      socket.end(`HTTP/1.1 ${why ? '403 Forbidden' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (frame: WsServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribeRuns = host.onRunEvent((event) => send({ stream: RUN_EVENT_STREAM, event }));
    const unsubscribeProgress = host.onDatasetProgress((event) => send({ stream: DATASET_PROGRESS_STREAM, event }));
    ws.on('close', () => {
      unsubscribeRuns();
      unsubscribeProgress();
    });
    ws.on('message', (data, isBinary) => {
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const call = WsCallSchema.safeParse(parsed);
      if (!call.success) {
        const id = (parsed as { id?: unknown } | undefined)?.id;
        if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
          send({ id, ok: false, error: { kind: 'invalid-input', message: 'A call needs a numeric id, a channel name and a request.' } });
        } else {
          log('ignored a WebSocket frame that is not a call');
        }
        return;
      }
      const { id, channel, request } = call.data;
      host.call(channel, request).then(
        (response) => send({ id, ok: true, response: response ?? null }),
        (error: unknown) => {
          const callError = toCallError(error);
          if (callError.kind === 'internal') log(`${channel} failed: ${(error as Error)?.stack ?? String(error)}`);
          send({ id, ok: false, error: callError });
        },
      );
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = listenHost === '::1' ? '[::1]' : listenHost;
  const url = `http://${urlHost}:${port}/?${TOKEN_QUERY}=${token}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    port,
    services,
    close() {
      closing ??= (async () => {
        host.dispose();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((done) => wss.close(() => done()));
        await new Promise<void>((done) => {
          server.close(() => done());
          for (const socket of sockets) socket.destroy();
        });
        await rm(uploadsDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
