/**
 * Serving the built renderer (out/web) with serve-static (which confines paths to the folder, skips
 * dotfiles and handles HEAD, ranges and conditional requests): the strict CSP on every file, no caching
 * of HTML, and the asset cookie on the page (see auth.ts).
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import serveStatic from 'serve-static';
import { COMMON_HEADERS } from '../services/content-security-policy.js';
import { sendText } from './replies.js';

interface StaticFileOptions {
  webRoot: string;
  /** The Content-Security-Policy header value (it names the server's port, known once it listens). */
  csp: () => string;
  /** The Set-Cookie value sent with HTML pages. */
  pageCookie: () => string;
}

type StaticFileHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function staticFileHandler(options: StaticFileOptions): StaticFileHandler {
  const root = resolve(options.webRoot);
  const serve = serveStatic(root, {
    index: ['index.html'],
    dotfiles: 'ignore',
    redirect: false,
    fallthrough: true,
    cacheControl: false,
    setHeaders(res, path) {
      for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
      res.setHeader('Content-Security-Policy', options.csp());
      if (path.endsWith('.html')) {
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Set-Cookie', options.pageCookie());
      } else {
        res.setHeader('Cache-Control', 'private, max-age=300');
      }
    },
  });

  /** What to answer when no file matched. */
  function notFound(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://workbench.invalid').pathname;
    if ((path === '/' || path === '/index.html') && !existsSync(join(root, 'index.html'))) {
      return sendText(res, 503, `The renderer is not built: ${root} has no index.html. Run \`npm run build:web\` first.`);
    }
    if (path === '/favicon.ico') {
      // No icon in the build: answer quietly instead of a 404 in the console.
      res.writeHead(204, COMMON_HEADERS);
      return void res.end();
    }
    sendText(res, 404, 'Not found.');
  }

  return (req, res) =>
    new Promise<void>((done, fail) => {
      res.once('finish', () => done());
      res.once('close', () => done());
      serve(req, res, (error?: unknown) => {
        if (error) fail(error);
        else {
          notFound(req, res);
          done();
        }
      });
    });
}
