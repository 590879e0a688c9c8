/**
 * Browser mode: model bundles in and out as one zip archive, so nothing is written to or read from a
 * folder the user must name on the server's disk.
 * - GET /bundle.zip?runId=…&name=… downloads a finished run's bundle (Content-Disposition: attachment).
 * - POST /upload-bundle?name=….zip takes an archive (at most BUNDLE_ARCHIVE_LIMITS.archiveBytes), which
 *   the host unpacks as hostile input (services/bundle-archive.ts) and opens; the reply is the
 *   BundleSummary, or {kind, message} with the sentence that refused it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BUNDLE_ARCHIVE_LIMITS } from '../contract/bundles.js';
import { InvalidInputError } from '../contract/run-config.js';
import { formatBytes } from '../services/dataset-service.js';
import { toCallError, type WorkbenchHost } from '../services/workbench-host.js';
import { COMMON_HEADERS } from '../services/content-security-policy.js';
import { requestUrl, sendJson } from './replies.js';

function archiveNameOf(raw: string | null): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a name must not keep
  const name = (raw ?? '').replace(/\\/g, '/').split('/').pop()!.replace(/[\u0000-\u001f"]/g, '').trim().slice(0, 200);
  return name || 'bundle.zip';
}

function sendError(res: ServerResponse, error: unknown): void {
  const callError = toCallError(error);
  sendJson(res, callError.kind === 'invalid-input' ? 400 : 500, callError);
}

export async function handleBundleDownload(host: WorkbenchHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = requestUrl(req).searchParams;
  const runId = query.get('runId');
  if (!runId) return sendJson(res, 400, { kind: 'invalid-input', message: 'Say which run to download (runId).' });
  let archive;
  try {
    archive = await host.bundleArchive(runId, query.get('name')?.trim() || null);
  } catch (error) {
    return sendError(res, error);
  }
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': 'application/zip',
    'Content-Disposition': `attachment; filename="${archive.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(archive.fileName)}`,
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') {
    archive.stream.resume();
    return void res.end();
  }
  await pipeline(archive.stream, res).catch(() => res.destroy());
}

/** Read the request body, at most `limit` bytes; null (and the sentence sent) when it is larger. */
async function readCapped(req: IncomingMessage, res: ServerResponse, name: string, limit: number): Promise<Buffer | null> {
  const tooLarge = () => {
    res.setHeader('Connection', 'close');
    sendJson(res, 413, { kind: 'invalid-input', message: `${name} is larger than ${formatBytes(limit)}, the limit for a bundle archive.` });
    req.destroy();
    return null;
  };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) return tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function handleBundleUpload(host: WorkbenchHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = archiveNameOf(requestUrl(req).searchParams.get('name'));
  let archive: Buffer | null;
  try {
    archive = await readCapped(req, res, name, BUNDLE_ARCHIVE_LIMITS.archiveBytes);
  } catch {
    if (!res.headersSent && !res.destroyed) sendJson(res, 400, { kind: 'invalid-input', message: `The upload of ${name} did not complete.` });
    return;
  }
  if (!archive) return;
  try {
    if (archive.length === 0) throw new InvalidInputError(`${name} is empty.`);
    sendJson(res, 200, await host.importBundle(name, archive));
  } catch (error) {
    sendError(res, error);
  }
}
