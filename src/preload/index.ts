/**
 * Preload (sandboxed, CommonJS): exposes `window.workbench` through contextBridge. Only whitelisted
 * channels pass; arguments are plain data (structured clone); the main process validates every request.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_DATASET_PROGRESS, IPC_MENU, IPC_PICKED_PATH, IPC_RUN_EVENT, type MenuCommand, type WorkbenchBridge } from '../contract/preload-bridge';
import { isWhitelistedChannel } from './channels';

const bridge: WorkbenchBridge = {
  invoke(channel, request) {
    if (!isWhitelistedChannel(channel)) {
      return Promise.resolve({ ok: false, error: { kind: 'invalid-input', message: `"${String(channel)}" is not a workbench channel.` } });
    }
    return ipcRenderer.invoke(IPC_CALL, channel, request);
  },
  onRunEvent(listener) {
    const relay = (_event: IpcRendererEvent, runEvent: unknown) => listener(runEvent);
    ipcRenderer.on(IPC_RUN_EVENT, relay);
    return () => {
      ipcRenderer.removeListener(IPC_RUN_EVENT, relay);
    };
  },
  onDatasetProgress(listener) {
    const relay = (_event: IpcRendererEvent, progress: unknown) => listener(progress);
    ipcRenderer.on(IPC_DATASET_PROGRESS, relay);
    return () => {
      ipcRenderer.removeListener(IPC_DATASET_PROGRESS, relay);
    };
  },
  onMenuCommand(listener) {
    const relay = (_event: IpcRendererEvent, command: MenuCommand) => {
      if (command === 'open-csv' || command === 'export-model') listener(command);
    };
    ipcRenderer.on(IPC_MENU, relay);
    return () => {
      ipcRenderer.removeListener(IPC_MENU, relay);
    };
  },
  pathForFile(file) {
    // Only a real File (dropped, or chosen in a file input) has a path: the main process records it as
    // picked by the user, and opens by path nothing else (src/main/picked-paths.ts). IPC keeps the order,
    // so this arrives before the 'datasets:open-path' call that follows.
    const path = webUtils.getPathForFile(file);
    if (path) ipcRenderer.send(IPC_PICKED_PATH, path);
    return path;
  },
};

contextBridge.exposeInMainWorld('workbench', bridge);
