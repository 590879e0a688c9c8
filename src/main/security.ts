/**
 * Electron security checklist, applied in one place:
 * contextIsolation, sandbox, no nodeIntegration, webSecurity, no auxclick (createSecureWindow); a strict CSP on every
 * response; the renderer served from a custom app:// protocol confined to its folder (no file://, no
 * remote content); navigation, new windows and <webview> blocked; every permission request denied;
 * IPC accepted only from our own frames.
 */
import { app, BrowserWindow, net, protocol, session, shell, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../services/content-security-policy.js';
import { isDocumentationLink } from './external-links.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://workbench`;

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.enableSandbox();
}

/**
 * A BrowserWindow with the secure web preferences, written out here as one literal so that reviewers
 * and Electronegativity (npm run lint:electron) see every setting where the window is made.
 */
export function createSecureWindow(options: Omit<BrowserWindowConstructorOptions, 'webPreferences'>, preload: string): BrowserWindow {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows; those are refused anyway (setWindowOpenHandler).
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

/** scheme://host of a URL (Node's URL gives origin 'null' for custom schemes such as app://). */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'invalid:';
  }
}

/** The URL origin the renderer is served from (the dev server in `electron-vite dev`). */
export function rendererOrigin(devUrl: string | undefined): string {
  return devUrl ? originOf(devUrl) : APP_ORIGIN;
}

/** Serve the built renderer on app://workbench/, confined to `rendererDir`, with the CSP header. */
export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'workbench') return new Response('Not found', { status: 404 });
    const path = resolve(root, '.' + decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const rel = relative(root, path);
    if (rel.startsWith('..') || isAbsolute(rel)) return new Response('Not found', { status: 404 });
    let response: Response;
    try {
      response = await net.fetch(pathToFileURL(path).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy());
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

/** Session-wide rules: CSP on every response (covers the dev server too), no permissions. */
export function hardenSession(devUrl: string | undefined): void {
  const ses = session.defaultSession;
  const connect = devUrl ? [`ws://${new URL(devUrl).host}`] : [];
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(connect)] } });
  });
  // Only writing to the clipboard ("Copy image" on a chart) is allowed; everything else is denied.
  const allowed = (permission: string) => permission === 'clipboard-sanitized-write';
  ses.setPermissionRequestHandler((_webContents, permission, callback) => callback(allowed(permission)));
  ses.setPermissionCheckHandler((_webContents, permission) => allowed(permission));
  ses.setDevicePermissionHandler(() => false);
}

/** Block navigation away from the app, new windows and webviews, for every web contents. */
export function blockNavigation(origin: string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (originOf(url) !== origin) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (originOf(url) !== origin) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // The project's documentation links open in the user's browser, never inside the app; nothing else opens.
      if (isDocumentationLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** True when an IPC message comes from our own top-level page. */
export function isTrustedSender(frame: { url: string } | null | undefined, origin: string): boolean {
  return !!frame && originOf(frame.url) === origin;
}
