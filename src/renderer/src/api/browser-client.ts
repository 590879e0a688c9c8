/**
 * The WorkbenchClient in a browser (`npm run serve`): calls travel over a WebSocket to the server,
 * which plays the main process's role. The access token comes from the page URL (?token=…): the page
 * takes it once, keeps it in sessionStorage (this origin and tab only, so a reload still works) and
 * removes it from the address bar. It is sent on the WebSocket and uploads, never in a cookie
 * (cookies for 127.0.0.1 reach every port; see SECURITY.md).
 */
import { BundleSummarySchema, type BundleSummary } from '../../../contract/bundles';
import { DatasetRefSchema, type DatasetRef } from '../../../contract/datasets';
import { BUNDLE_DOWNLOAD_PATH, BUNDLE_UPLOAD_PATH, TOKEN_HEADER, TOKEN_QUERY, UPLOAD_PATH, WS_PATH, WsServerFrameSchema } from '../../../contract/host-protocol';
import { parseRunEvent, type RunEvent } from '../../../contract/run-events';
import { DATASET_PROGRESS_STREAM, DatasetProgressSchema, type Channel, type ChannelRequest, type ChannelResponse, type DatasetProgress } from '../../../contract/workbench-api';
import type { UploadListener, WorkbenchClient } from './client';
import { HostCallError, unwrapReply } from './reply';
import { download } from '../lib/format';

interface Pending {
  channel: Channel;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export interface BrowserClientOptions {
  location?: Pick<Location, 'protocol' | 'host' | 'search'>;
  WebSocketImpl?: typeof WebSocket;
}

const TOKEN_STORAGE_KEY = 'forecast-workbench-token';

/** The token from the page URL (then kept in sessionStorage and taken out of the address bar), or from an earlier load of this tab. */
function pageToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get(TOKEN_QUERY);
  if (fromUrl) {
    try {
      window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
      url.searchParams.delete(TOKEN_QUERY);
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    } catch {
      // No session storage (privacy settings): keep the token in the address bar so a reload still works.
    }
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

const LOST = 'The connection to the workbench server was lost. Check that `npm run serve` is still running, then reload the page.';

export async function createBrowserClient(options: BrowserClientOptions = {}): Promise<WorkbenchClient> {
  const loc = options.location ?? window.location;
  const token = options.location ? new URLSearchParams(loc.search).get(TOKEN_QUERY) : pageToken();
  if (!token) {
    throw new Error('This page needs its access token: open the full URL that `npm run serve` printed (it ends in ?token=…).');
  }
  const WS = options.WebSocketImpl ?? WebSocket;
  const wsUrl = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${WS_PATH}?${TOKEN_QUERY}=${encodeURIComponent(token)}`;
  const socket = new WS(wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('Cannot reach the workbench server: the token may be stale (restart prints a new URL) or the server has stopped.')), { once: true });
  });

  let nextId = 1;
  let closed = false;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: RunEvent) => void>();
  const progressListeners = new Set<(progress: DatasetProgress) => void>();

  socket.addEventListener('message', (message) => {
    let frame;
    try {
      frame = WsServerFrameSchema.parse(JSON.parse(String(message.data)));
    } catch {
      console.warn('Ignored an unreadable message from the workbench server.');
      return;
    }
    if ('stream' in frame && frame.stream === DATASET_PROGRESS_STREAM) {
      const progress = DatasetProgressSchema.safeParse(frame.event);
      if (progress.success) for (const listener of progressListeners) listener(progress.data);
      else console.warn('Ignored invalid dataset progress.');
      return;
    }
    if ('stream' in frame) {
      let event: RunEvent;
      try {
        event = parseRunEvent(frame.event);
      } catch (error) {
        console.warn('Ignored an invalid run event:', (error as Error).message);
        return;
      }
      for (const listener of listeners) listener(event);
      return;
    }
    const call = pending.get(frame.id);
    if (!call) return;
    pending.delete(frame.id);
    try {
      call.resolve(unwrapReply(call.channel, frame));
    } catch (error) {
      call.reject(error as Error);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const call of pending.values()) call.reject(new HostCallError(LOST, 'connection'));
    pending.clear();
  });

  function call<C extends Channel>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>> {
    if (closed || socket.readyState !== WS.OPEN) return Promise.reject(new HostCallError(LOST, 'connection'));
    const id = nextId++;
    return new Promise<ChannelResponse<C>>((resolve, reject) => {
      pending.set(id, { channel, resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, channel, request }));
    });
  }

  /** POST the file with XMLHttpRequest, whose upload events (unlike fetch) say how much has been sent. */
  function post(file: File, onUpload?: UploadListener, path: string = UPLOAD_PATH): Promise<{ status: number; body: unknown }> {
    const url = `${path}?${TOKEN_QUERY}=${encodeURIComponent(token!)}&name=${encodeURIComponent(file.name)}`;
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader(TOKEN_HEADER, token!);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.responseType = 'json'; // an unreadable body arrives as null
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) onUpload?.({ name: file.name, fraction: e.loaded / e.total });
      });
      xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.response as unknown }));
      xhr.addEventListener('error', () => reject(new HostCallError(`Uploading ${file.name} failed: the workbench server cannot be reached.`, 'connection')));
      xhr.send(file);
    });
  }

  async function upload(file: File, onUpload?: UploadListener): Promise<DatasetRef> {
    const { status, body } = await post(file, onUpload);
    if (status < 200 || status >= 300) throw refusal(status, body, `Uploading ${file.name} failed`);
    const ref = DatasetRefSchema.safeParse(body);
    if (!ref.success) throw new HostCallError(`The server's answer to the upload of ${file.name} was unreadable.`, 'internal');
    return ref.data;
  }

  /** The sentence of a refused HTTP request, from its JSON body. */
  function refusal(status: number, body: unknown, fallback: string): HostCallError {
    const message = (body as { message?: unknown } | null)?.message;
    return new HostCallError(typeof message === 'string' ? message : `${fallback} (HTTP ${status}).`, status < 500 ? 'invalid-input' : 'internal');
  }

  async function uploadBundle(file: File): Promise<BundleSummary> {
    const { status, body } = await post(file, undefined, BUNDLE_UPLOAD_PATH);
    if (status < 200 || status >= 300) throw refusal(status, body, `Uploading ${file.name} failed`);
    const summary = BundleSummarySchema.safeParse(body);
    if (!summary.success) throw new HostCallError(`The server's answer to the upload of ${file.name} was unreadable.`, 'internal');
    return summary.data;
  }

  /** Download a run's bundle archive and hand it to the browser as a file download. */
  async function downloadBundle(runId: string, name: string | null): Promise<{ name: string; path: null }> {
    const query = new URLSearchParams({ runId, ...(name ? { name } : {}) });
    let response: Response;
    try {
      response = await fetch(`${BUNDLE_DOWNLOAD_PATH}?${query}`, { headers: { [TOKEN_HEADER]: token! } });
    } catch {
      throw new HostCallError('Downloading the model failed: the workbench server cannot be reached.', 'connection');
    }
    if (!response.ok) throw refusal(response.status, await response.json().catch(() => null), 'Downloading the model failed');
    const fileName = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get('content-disposition') ?? '')?.[1];
    const saveAs = fileName ? decodeURIComponent(fileName) : `${name ?? runId}.zip`;
    download(saveAs, await response.blob());
    return { name: saveAs, path: null };
  }

  function chooseFile(accept = '.csv,.txt,.tsv', testId = 'dataset-file-input'): Promise<File | null> {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.hidden = true;
      input.setAttribute('data-testid', testId);
      const done = (file: File | null) => {
        input.remove();
        resolve(file);
      };
      input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
      input.addEventListener('cancel', () => done(null), { once: true });
      document.body.append(input);
      input.click();
    });
  }

  return {
    host: 'browser',
    call,
    onRunEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onDatasetProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    async pickDataset(onUpload) {
      const file = await chooseFile();
      return file ? upload(file, onUpload) : null;
    },
    datasetFromFile: upload,
    async pickBundle(): Promise<BundleSummary | null> {
      const file = await chooseFile('.zip,application/zip', 'bundle-file-input');
      return file ? uploadBundle(file) : null;
    },
    exportBundle: downloadBundle,
  };
}
