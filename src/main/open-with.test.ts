/**
 * "Open with" handling (open-with.ts) against a stand-in for Electron's app and window — Electron
 * cannot run here; the e2e where it can is e2e/electron.spec.ts. Checks the three ways a file arrives
 * (macOS open-file, argv of the first start, argv of a second start), that the page is asked to open it
 * only once it has loaded, and that the CSV dialog then answers with that file exactly once.
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BrowserWindow } from 'electron';
import { IPC_MENU } from '../contract/preload-bridge.js';
import { csvPathsFromArgv, handleOpenWith } from './open-with.js';

class StandInApp extends EventEmitter {
  ready = false;
  isReady = () => this.ready;
}

class StandInWindow {
  readonly webContents = Object.assign(new EventEmitter(), { sent: [] as unknown[][], send: (...args: unknown[]) => this.webContents.sent.push(args) });
  focused = 0;
  isMinimized = () => false;
  restore = () => undefined;
  show = () => undefined;
  focus = () => void this.focused++;
}

function setUp(argv: string[] = ['/opt/fw/forecast-workbench']) {
  const app = new StandInApp();
  let window: StandInWindow | null = null;
  let created = 0;
  const openWith = handleOpenWith(app as never, {
    getWindow: () => window as unknown as BrowserWindow | null,
    createWindow: () => {
      created++;
      window = new StandInWindow();
      openWith.attach(window as unknown as BrowserWindow);
    },
    argv,
    cwd: '/home/analyst',
  });
  const openWindow = () => {
    window = new StandInWindow();
    openWith.attach(window as unknown as BrowserWindow);
    return window;
  };
  return { app, openWith, openWindow, created: () => created, window: () => window };
}

describe('csvPathsFromArgv', () => {
  it('takes the data files of a command line, resolved against its folder', () => {
    expect(csvPathsFromArgv(['/usr/bin/forecast-workbench', '--no-sandbox', 'data/sales.csv', '/tmp/b.TSV'], '/home/analyst')).toEqual([resolve('/home/analyst', 'data/sales.csv'), '/tmp/b.TSV']);
    expect(csvPathsFromArgv(['electron', '.', '--inspect=9229'], '/src/app')).toEqual([]);
    const spaced = resolve('/tmp/with space.csv');
    expect(csvPathsFromArgv(['/usr/bin/forecast-workbench', pathToFileURL(spaced).href], '/')).toEqual([spaced]);
    expect(csvPathsFromArgv(['/usr/bin/forecast-workbench', 'notes.pdf'], '/')).toEqual([]);
  });
});

describe('handleOpenWith', () => {
  it('the file of the first start: asked for once the window has loaded, then the dialog answers with it once', () => {
    const { app, openWith, openWindow } = setUp(['/opt/fw/forecast-workbench', 'sales.csv']);
    app.ready = true;
    const window = openWindow();
    expect(window.webContents.sent).toEqual([]); // still loading
    window.webContents.emit('did-finish-load');
    expect(window.webContents.sent).toEqual([[IPC_MENU, 'open-csv']]);
    expect(openWith.takeOpenedFile()).toBe(resolve('/home/analyst', 'sales.csv'));
    expect(openWith.takeOpenedFile()).toBeNull(); // the next Open CSV… shows the dialog again
    window.webContents.emit('did-finish-load'); // a reload asks for nothing
    expect(window.webContents.sent).toHaveLength(1);
  });

  it('macOS open-file, before ready and while running, the newest file winning', () => {
    const { app, openWith, openWindow } = setUp();
    let prevented = false;
    app.emit('open-file', { preventDefault: () => (prevented = true) }, '/Users/a/first.csv');
    expect(prevented).toBe(true);
    app.ready = true;
    const window = openWindow();
    window.webContents.emit('did-finish-load');
    expect(openWith.takeOpenedFile()).toBe('/Users/a/first.csv');
    app.emit('open-file', { preventDefault: () => undefined }, '/Users/a/second.csv');
    app.emit('open-file', { preventDefault: () => undefined }, '/Users/a/third.csv');
    expect(window.webContents.sent).toHaveLength(3);
    expect(window.focused).toBe(3);
    expect(openWith.takeOpenedFile()).toBe('/Users/a/third.csv');
    app.emit('open-file', { preventDefault: () => undefined }, '/Users/a/picture.png');
    expect(openWith.takeOpenedFile()).toBeNull();
  });

  it('a second start passes its file to the running app', () => {
    const { app, openWith, openWindow } = setUp();
    app.ready = true;
    const window = openWindow();
    window.webContents.emit('did-finish-load');
    expect(openWith.takeOpenedFile()).toBeNull();
    app.emit('second-instance', {}, ['C:\\fw\\forecast-workbench.exe', '--allow-file-access-from-files', 'q3.csv'], '/data');
    expect(window.webContents.sent).toEqual([[IPC_MENU, 'open-csv']]);
    expect(openWith.takeOpenedFile()).toBe(resolve('/data', 'q3.csv'));
    app.emit('second-instance', {}, ['C:\\fw\\forecast-workbench.exe'], '/data'); // no file: nothing to open
    expect(window.webContents.sent).toHaveLength(1);
  });

  it('with no window open (macOS), opens one and asks it once it has loaded', () => {
    const { app, openWith, created, window } = setUp();
    app.ready = true;
    app.emit('open-file', { preventDefault: () => undefined }, '/Users/a/x.csv');
    expect(created()).toBe(1);
    const opened = window()!;
    expect(opened.webContents.sent).toEqual([]);
    opened.webContents.emit('did-finish-load');
    expect(opened.webContents.sent).toEqual([[IPC_MENU, 'open-csv']]);
    expect(openWith.takeOpenedFile()).toBe('/Users/a/x.csv');
  });
});
