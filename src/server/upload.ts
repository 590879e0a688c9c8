/**
 * POST /upload?name=…: a CSV streamed into this server's private uploads folder and registered as a
 * dataset. Each upload is capped (maxUploadBytes) and so is the folder as a whole (maxTotalBytes). The
 * folder is named after the server's process id, so a server that starts removes the folders left by
 * servers that died without cleaning up (crash, SIGKILL).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join } from 'node:path';
import { DATASET_EXTENSIONS, formatBytes, type DatasetService } from '../services/dataset-service.js';
import { requestUrl, sendJson } from './replies.js';

/** Largest total size of all files uploaded to one server (the limit of one file is MAX_UPLOAD_BYTES). */
export const MAX_UPLOADS_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
/** Uploads folders are named `${UPLOADS_PREFIX}${pid}-${random}` in the parent folder (tmpdir by default). */
export const UPLOADS_PREFIX = 'forecast-workbench-uploads-';

interface UploadStoreOptions {
  /** Where the uploads folder is made. */
  parentDir: string;
  maxUploadBytes: number;
  maxTotalBytes: number;
  datasets: Pick<DatasetService, 'register'>;
  log: (text: string) => void;
}

interface UploadStore {
  /** This server's uploads folder. */
  readonly dir: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Remove the folder and everything uploaded. */
  dispose(): Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/** Remove the uploads folders of servers whose process is gone; returns their names. */
async function removeStaleUploadFolders(parentDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parentDir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    const pid = Number(/^forecast-workbench-uploads-(\d+)-/.exec(name)?.[1]);
    return name.startsWith(UPLOADS_PREFIX) && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid);
  });
  await Promise.all(stale.map((name) => rm(join(parentDir, name), { recursive: true, force: true })));
  return stale;
}

/** The file name an upload is stored under: no folders, no control characters, at most 200 characters. */
function uploadName(raw: string | null): string {
  return (
    basename((raw ?? 'upload.csv').replace(/\\/g, '/'))
      // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name must not keep
      .replace(/[\u0000-\u001f]/g, '')
      .slice(0, 200) || 'upload.csv'
  );
}

export async function createUploadStore(options: UploadStoreOptions): Promise<UploadStore> {
  const { maxUploadBytes, maxTotalBytes, datasets, log } = options;
  await mkdir(options.parentDir, { recursive: true });
  const removed = await removeStaleUploadFolders(options.parentDir);
  if (removed.length) log(`removed ${removed.length} uploads folder(s) left by servers that stopped without cleaning up`);
  const dir = await mkdtemp(join(options.parentDir, `${UPLOADS_PREFIX}${process.pid}-`));
  /** Bytes held in the folder, counting uploads still arriving. */
  let used = 0;

  const quotaSentence = (name: string) =>
    `${name} does not fit: uploads to this server are limited to ${formatBytes(maxTotalBytes)} in all and ${formatBytes(used)} is used. Restart the server to clear them.`;

  function refuse(req: IncomingMessage, res: ServerResponse, message: string): void {
    res.setHeader('Connection', 'close');
    sendJson(res, 413, { kind: 'invalid-input', message });
    req.destroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = uploadName(requestUrl(req).searchParams.get('name'));
    if (!DATASET_EXTENSIONS.includes(extname(name).toLowerCase())) {
      req.resume();
      return sendJson(res, 415, { kind: 'invalid-input', message: `${name} is not a CSV file: upload a .csv, .tsv or .txt file.` });
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUploadBytes) {
      return refuse(req, res, `${name} is ${formatBytes(declared)}; uploads are limited to ${formatBytes(maxUploadBytes)}.`);
    }
    if (Number.isFinite(declared) && used + declared > maxTotalBytes) return refuse(req, res, quotaSentence(name));
    const folder = join(dir, randomBytes(8).toString('hex'));
    await mkdir(folder);
    const path = join(folder, name);
    const out = createWriteStream(path, { flags: 'wx' });
    let received = 0;
    let refusal: string | null = null;
    const ok = await new Promise<boolean>((done) => {
      req.on('data', (chunk: Buffer) => {
        if (refusal) return;
        received += chunk.length;
        used += chunk.length;
        if (received > maxUploadBytes) refusal = `${name} is larger than ${formatBytes(maxUploadBytes)}, the upload limit.`;
        else if (used > maxTotalBytes) refusal = quotaSentence(name);
        if (refusal) {
          req.unpipe(out);
          out.destroy();
          done(false);
        }
      });
      req.on('error', () => done(false));
      req.on('aborted', () => done(false));
      out.on('error', () => done(false));
      out.on('finish', () => done(!refusal));
      req.pipe(out);
    });
    if (!ok || received === 0) {
      used -= received;
      await rm(folder, { recursive: true, force: true });
      if (refusal) return refuse(req, res, refusal);
      if (!ok) {
        if (!res.headersSent && !res.destroyed) sendJson(res, 400, { kind: 'invalid-input', message: `The upload of ${name} did not complete.` });
        return;
      }
      return sendJson(res, 400, { kind: 'invalid-input', message: `${name} is empty.` });
    }
    const ref = datasets.register(path, { name, description: `Uploaded file, ${formatBytes(received)}.` });
    sendJson(res, 200, ref);
  }

  return {
    dir,
    handle,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
