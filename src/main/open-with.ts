/**
 * "Open with" for .csv files (the installers register the association: electron-builder.yml
 * fileAssociations). The OS hands the file over in three ways:
 * - macOS: the app's 'open-file' event, also before 'ready' for the file that started the app;
 * - Windows and Linux: the path in the command line of a new start (process.argv);
 * - any OS, while the app runs: a second start passes its argv to 'second-instance' (index.ts holds the
 *   single-instance lock, so the second process quits).
 * The newest path is kept, the window is brought forward and asked to open a CSV exactly as the File
 * menu's "Open CSV…" does (the 'open-csv' menu command); the CSV dialog then answers with that path
 * instead of asking (`takeOpenedFile`), so the file goes the same way as one picked in the dialog. A
 * window still loading gets the command when it has loaded; with no window (macOS), one is opened.
 * While a training runs the page ignores the command, as it ignores the menu; the file is then what the
 * next "Open CSV…" opens.
 *
 * Electron's `app` comes in as a parameter (no runtime import of electron here), so this is tested in
 * Node with a stand-in (open-with.test.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App, BrowserWindow, WebContents } from 'electron';
import { IPC_MENU, type MenuCommand } from '../contract/preload-bridge.js';

/** Files the CSV dialog accepts (index.ts's filter: csv, tsv, txt). */
const OPENABLE = /\.(csv|tsv|txt)$/i;

/**
 * The data files named on a command line: arguments that are not switches and end in .csv/.tsv/.txt,
 * resolved against the folder the command ran in. argv[0] is the executable; in development (`electron .`)
 * the app folder follows it and is no file either way. Linux desktop entries (%U) may pass file:// URLs.
 */
export function csvPathsFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  return argv
    .slice(1)
    .filter((arg) => !arg.startsWith('-') && OPENABLE.test(arg))
    .map((arg) => (arg.startsWith('file://') ? fileURLToPath(arg) : isAbsolute(arg) ? arg : resolve(workingDirectory, arg)));
}

export interface OpenWithOptions {
  getWindow: () => BrowserWindow | null;
  /** Open the main window (called only after 'ready', when there is none). */
  createWindow: () => void;
  /** The command line this process started with (default process.argv) and its folder. */
  argv?: readonly string[];
  cwd?: string;
}

export interface OpenWith {
  /** Call for each new window: it gets the pending file when its page has loaded. */
  attach(window: BrowserWindow): void;
  /** The file handed over by the OS and not yet opened (then forgotten), or null. */
  takeOpenedFile(): string | null;
}

type OpenWithApp = Pick<App, 'on' | 'isReady'>;

export function handleOpenWith(app: OpenWithApp, options: OpenWithOptions): OpenWith {
  let pending: string | null = null;
  const loaded = new WeakSet<WebContents>();

  const request = () => {
    if (pending === null || !app.isReady()) return; // the first window's attach() sends it
    const window = options.getWindow();
    if (!window) return options.createWindow(); // its attach() sends it
    if (!loaded.has(window.webContents)) return; // sent on 'did-finish-load'
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    window.webContents.send(IPC_MENU, 'open-csv' satisfies MenuCommand);
  };
  const open = (paths: readonly string[]) => {
    if (paths.length === 0) return;
    pending = paths[paths.length - 1]!; // one dataset at a time: the newest wins
    request();
  };

  app.on('open-file', (event, path) => {
    event.preventDefault();
    open(OPENABLE.test(path) ? [path] : []);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => open(csvPathsFromArgv(argv, workingDirectory)));
  open(csvPathsFromArgv(options.argv ?? process.argv, options.cwd ?? process.cwd()));

  return {
    attach(window) {
      window.webContents.on('did-finish-load', () => {
        loaded.add(window.webContents);
        request();
      });
    },
    takeOpenedFile() {
      const path = pending;
      pending = null;
      return path;
    },
  };
}
