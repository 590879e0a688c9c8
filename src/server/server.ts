/**
 * Browser mode: the workbench host served over HTTP + WebSocket on the loopback interface, for testing
 * the UI in a browser and for users training on another machine through an SSH tunnel.
 *
 * - Listens on 127.0.0.1 (or another loopback address) only, on `port` (0 = a free one).
 * - Access (auth.ts): a random token in the page URL (?token=…) is the key to the WebSocket and uploads
 *   (query or x-workbench-token header, never a cookie); the page's own assets load with a separate
 *   SameSite=Strict asset cookie that opens nothing else. Host and Origin must name this server.
 * - GET /… serves the built renderer (static-files.ts) with a strict CSP.
 * - /ws (websocket.ts): calls and replies, pushed run events and dataset progress.
 * - POST /upload?name=… (upload.ts) streams a CSV to a private uploads folder, registered as a dataset.
 * - GET /bundle.zip and POST /upload-bundle (bundle-transfer.ts): a bundle downloaded or uploaded as one zip.
 * This file is the lifecycle: start the host, route requests, listen, close.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_DOWNLOAD_PATH, BUNDLE_UPLOAD_PATH, MAX_UPLOAD_BYTES, TOKEN_QUERY, UPLOAD_PATH } from '../contract/host-protocol.js';
import { InvalidInputError } from '../contract/run-config.js';
import { createStandardHost, type StandardHost } from '../services/create-host.js';
import type { HostEngine } from '../services/engine-bindings.js';
import { ENGINE_WORKER_ENTRY, forkLauncher } from '../services/fork-launcher.js';
import type { TrainingProcessLauncher } from '../services/launcher.js';
import { toCallError } from '../services/workbench-host.js';
import { contentSecurityPolicy } from '../services/content-security-policy.js';
import { createServerAccess } from './auth.js';
import { requestUrl, sendJson, sendText } from './replies.js';
import { staticFileHandler } from './static-files.js';
import { createUploadStore, MAX_UPLOADS_TOTAL_BYTES } from './upload.js';
import { createWorkbenchSockets } from './websocket.js';
import { handleBundleDownload, handleBundleUpload } from './bundle-transfer.js';

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
  /** Largest total of all uploads (default 2 GB). */
  maxUploadsTotalBytes?: number;
  /** Most bytes held for a WebSocket client that does not read (default 64 MB); past it it is disconnected. */
  maxWsBufferedBytes?: number;
  /** Where the server's uploads folder is made (default the system temp folder). */
  uploadsParentDir?: string;
  log?: (text: string) => void;
}

export interface WorkbenchServer {
  /** The page URL with the token, e.g. http://127.0.0.1:41234/?token=… */
  url: string;
  token: string;
  port: number;
  services: StandardHost;
  /** The folder uploads are stored in (removed by close()). */
  uploadsDir: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

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
  await mkdir(options.runsDir, { recursive: true });
  await mkdir(options.exportsDir, { recursive: true });

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
    engineLauncher: options.engine ? undefined : (options.engineLauncher ?? forkLauncher({ entry: ENGINE_WORKER_ENTRY, serialization: 'advanced' })),
    engine: options.engine,
    log,
  });
  const { host, datasets } = services;

  let port = 0;
  const access = createServerAccess(() => port);
  const uploads = await createUploadStore({
    parentDir: options.uploadsParentDir ?? tmpdir(),
    maxUploadBytes: options.maxUploadBytes ?? MAX_UPLOAD_BYTES,
    maxTotalBytes: options.maxUploadsTotalBytes ?? MAX_UPLOADS_TOTAL_BYTES,
    datasets,
    log,
  });
  const staticFiles = staticFileHandler({
    webRoot: options.webRoot,
    csp: () => contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
    pageCookie: () => access.assetCookie(),
  });
  const sockets = createWorkbenchSockets(host, access, log, options.maxWsBufferedBytes);

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = requestUrl(req);
    const api = pathname === UPLOAD_PATH || pathname === BUNDLE_UPLOAD_PATH || pathname === BUNDLE_DOWNLOAD_PATH;
    const why = access.refusal(req, api ? 'api' : 'static');
    if (why) {
      req.resume();
      return sendText(res, 403, `Forbidden: ${why}. Open the URL with the token that \`npm run serve\` printed.`);
    }
    if (pathname === UPLOAD_PATH) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST to upload a file.');
      return uploads.handle(req, res);
    }
    if (pathname === BUNDLE_UPLOAD_PATH) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST to upload a bundle archive.');
      return handleBundleUpload(host, req, res);
    }
    if (pathname === BUNDLE_DOWNLOAD_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Use GET to download a bundle.');
      return handleBundleDownload(host, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return sendText(res, 405, 'Method not allowed.');
    }
    return staticFiles(req, res);
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`request ${req.method} ${requestUrl(req).pathname} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, toCallError(error));
      else res.destroy();
    });
  });
  const connections = new Set<Socket>();
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => sockets.upgrade(req, socket, head));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  port = (server.address() as AddressInfo).port;
  const urlHost = listenHost === '::1' ? '[::1]' : listenHost;
  const url = `http://${urlHost}:${port}/?${TOKEN_QUERY}=${access.token}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    token: access.token,
    port,
    services,
    uploadsDir: uploads.dir,
    close() {
      closing ??= (async () => {
        await host.dispose();
        await sockets.close();
        await new Promise<void>((done) => {
          server.close(() => done());
          for (const socket of connections) socket.destroy();
        });
        await uploads.dispose();
      })();
      return closing;
    },
  };
}
