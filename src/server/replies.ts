/** Plain HTTP answers of the browser-mode server: JSON for API callers, one sentence of text for people. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMON_HEADERS } from '../services/content-security-policy.js';

/** The URL of a request, parsed against a placeholder origin (only path and query are used). */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://workbench.invalid');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}
