/**
 * Who may use the browser-mode server.
 *
 * - The session token (random, in the page URL) is the only key to the workbench: the WebSocket and
 *   uploads must carry it in the query or the x-workbench-token header. It is never put in a cookie:
 *   browsers send cookies for 127.0.0.1 to every port on 127.0.0.1, so any other local server the user
 *   visits would receive it.
 * - The page response sets a separate, random asset key as a SameSite=Strict HttpOnly cookie so the
 *   page's scripts and styles load. That key opens the built renderer's public files and nothing else;
 *   a leaked asset key gives no access to data, runs or uploads.
 * - Host must name this server (DNS rebinding) and Origin, when present, must be this server's.
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, TOKEN_QUERY } from '../contract/host-protocol.js';
import { requestUrl } from './replies.js';

/** What a request asks for: the workbench itself (WebSocket, upload) or the renderer's static files. */
type AccessKind = 'api' | 'static';

export interface ServerAccess {
  /** The session token (goes into the page URL). */
  readonly token: string;
  /** The Set-Cookie value that lets the page load its own static files. */
  assetCookie(): string;
  /** Why a request is refused, or null when it may go on. */
  refusal(req: IncomingMessage, kind: AccessKind): string | null;
}

const randomKey = () => randomBytes(24).toString('base64url');

function sameSecret(given: string | null | undefined, expected: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const bytes = Buffer.from(given, 'utf8');
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

/** Access rules for a server whose port is known once it listens (`port()`). */
export function createServerAccess(port: () => number): ServerAccess {
  const token = randomKey();
  const tokenBytes = Buffer.from(token, 'utf8');
  const assetKeyBytes = Buffer.from(randomKey(), 'utf8');
  const cookieName = () => `workbench-assets-${port()}`;
  const allowedHosts = () => new Set([`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`]);
  const allowedOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));

  function carriesToken(req: IncomingMessage): boolean {
    const header = req.headers[TOKEN_HEADER];
    return sameSecret(requestUrl(req).searchParams.get(TOKEN_QUERY), tokenBytes) || sameSecret(Array.isArray(header) ? header[0] : header, tokenBytes);
  }

  function carriesAssetKey(req: IncomingMessage): boolean {
    const cookies = parseCookie(req.headers.cookie ?? '');
    return sameSecret(cookies[cookieName()], assetKeyBytes);
  }

  return {
    token,
    assetCookie: () => stringifySetCookie({ name: cookieName(), value: assetKeyBytes.toString('utf8'), path: '/', httpOnly: true, sameSite: 'strict' }),
    refusal(req, kind) {
      if (!allowedHosts().has(String(req.headers.host ?? '').toLowerCase())) return 'unknown Host header';
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return 'request from another origin';
      if (carriesToken(req) || (kind === 'static' && carriesAssetKey(req))) return null;
      return 'missing or wrong token';
    },
  };
}
