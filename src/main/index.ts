/**
 * Electron main process: one window, the menu, native dialogs, and the IPC handler that answers every
 * workbench-api channel through the shared host (src/services). Training runs in a utilityProcess per run;
 * CSV reading, anatomy and bundles run in one long-lived engine-worker utilityProcess, so this process
 * neither parses data nor loads TensorFlow.js.
 * Kept thin: everything host-independent lives in src/services.
 */
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_CALL, IPC_DATASET_PROGRESS, IPC_PICKED_PATH, IPC_RUN_EVENT } from '../contract/preload-bridge.js';
import type { CallReply } from '../contract/host-protocol.js';
import { createStandardHost, type StandardHost } from '../services/create-host.js';
import { toCallError, type HostDialogs } from '../services/workbench-host.js';
import { blockNavigation, hardenSession, isTrustedSender, registerAppScheme, rendererOrigin, createSecureWindow, serveRenderer, APP_ORIGIN } from './security.js';
import { installMenu } from './menu.js';
import { PickedPaths } from './picked-paths.js';
import { utilityProcessLauncher } from './training-launcher.js';
import { defaultRunsDir } from '../engine/runs/location.js';
import { handleOpenWith } from './open-with.js';

const mainDir = fileURLToPath(new URL('.', import.meta.url)); // out/main
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const origin = rendererOrigin(devUrl);

let window: BrowserWindow | null = null;
let services: StandardHost | null = null;
/** Paths the user chose in a dialog or dropped: the only ones the renderer may name (plus the runs folder). */
let picked: PickedPaths | null = null;
const pick = <P extends string | null>(path: P): P => picked?.add(path) ?? path;

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();
// Packaged: the utility processes (which inherit this environment) find the datasets in the app's resources.
if (app.isPackaged) process.env.FORECAST_WORKBENCH_RESOURCES ??= process.resourcesPath;

function bundledDatasetsDir(): string {
  return app.isPackaged ? join(process.resourcesPath, 'datasets') : join(app.getAppPath(), 'resources', 'datasets');
}

const dialogs: HostDialogs = {
  async openCsv() {
    const opened = openWith.takeOpenedFile(); // a .csv the OS opened with the app (open-with.ts)
    if (opened) return opened;
    const options = { title: 'Open CSV', properties: ['openFile' as const], filters: [{ name: 'CSV files', extensions: ['csv', 'tsv', 'txt'] }] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return pick(result.canceled ? null : (result.filePaths[0] ?? null));
  },
  async chooseExportFolder(defaultName) {
    const options = {
      title: 'Export model',
      buttonLabel: 'Export',
      defaultPath: join(app.getPath('documents'), defaultName),
      properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
    };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return pick(result.canceled || !result.filePath ? null : result.filePath);
  },
  async openBundleFolder() {
    const options = { title: 'Open exported model', properties: ['openDirectory' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return pick(result.canceled ? null : (result.filePaths[0] ?? null));
  },
};

function createWindow(): BrowserWindow {
  const win = createSecureWindow(
    { width: 1400, height: 900, minWidth: 900, minHeight: 600, title: 'Forecast Workbench', show: false },
    join(mainDir, '..', 'preload', 'index.cjs'),
  );
  win.once('ready-to-show', () => win.show());
  openWith.attach(win);
  win.on('closed', () => {
    if (window === win) window = null;
  });
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

const openWith = handleOpenWith(app, { getWindow: () => window, createWindow: () => void (services && (window = createWindow())) });

app.whenReady().then(() => {
  hardenSession(devUrl);
  blockNavigation(origin);
  if (!devUrl) serveRenderer(join(mainDir, '..', 'renderer'));

  const runsDir = defaultRunsDir();
  picked = new PickedPaths([runsDir]);
  services = createStandardHost({
    kind: 'desktop',
    version: app.getVersion(),
    launcher: utilityProcessLauncher(join(mainDir, 'training-process.js')),
    engineLauncher: utilityProcessLauncher(join(mainDir, 'engine-worker.js'), 'Forecast Workbench engine'),
    bundledDatasetsDir: bundledDatasetsDir(),
    // The run store the CLI and browser mode share (FORECAST_WORKBENCH_RUNS_DIR, else the OS's app data folder).
    runsDir,
    exportsDir: null,
    dialogs,
    acceptDroppedPaths: true,
  });
  const host = services.host;

  ipcMain.handle(IPC_CALL, async (event, channel: unknown, request: unknown): Promise<CallReply> => {
    if (!isTrustedSender(event.senderFrame, origin)) {
      return { ok: false, error: { kind: 'invalid-input', message: 'Calls are accepted only from the workbench window.' } };
    }
    const unpicked = picked?.refusal(String(channel), request);
    if (unpicked) return { ok: false, error: { kind: 'invalid-input', message: unpicked } };
    try {
      return { ok: true, response: (await host.call(String(channel), request)) ?? null };
    } catch (error) {
      const callError = toCallError(error);
      if (callError.kind === 'internal') console.error(`${String(channel)} failed:`, error);
      return { ok: false, error: callError };
    }
  });
  ipcMain.on(IPC_PICKED_PATH, (event, path: unknown) => {
    if (isTrustedSender(event.senderFrame, origin) && typeof path === 'string') picked?.add(path);
  });
  host.onRunEvent((runEvent) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_RUN_EVENT, runEvent);
  });
  host.onDatasetProgress((progress) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_DATASET_PROGRESS, progress);
  });

  installMenu(
    () => window,
    () => `Recurrent-network forecasting (SimpleRNN, LSTM, GRU) with TensorFlow.js.\nTraining backend: ${services?.supervisor.backend ?? 'starts with the first run'}.\nElectron ${process.versions.electron}, Node ${process.versions.node}, Chromium ${process.versions.chrome}.`,
  );
  window = createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow();
  });
});

app.on('second-instance', () => {
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quitting waits for the host to close (its queued sweeps cancelled, their Redis connections closed); quitting
// again meanwhile quits at once.
app.on('before-quit', (event) => {
  if (!services) return;
  event.preventDefault();
  const host = services.host;
  services = null;
  void host.dispose().finally(() => app.quit());
});
