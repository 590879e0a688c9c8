/**
 * The API the preload exposes to the renderer as `window.workbench` (types and IPC names; the renderer declares
 * the global in src/renderer/src/api/workbench-bridge.d.ts). The renderer never sees ipcRenderer or Node.
 */
import type { CallReply } from './host-protocol.js';
import type { Channel } from './workbench-api.js';

/** Commands from the application menu that the renderer carries out. */
export type MenuCommand = 'open-csv' | 'export-model';

export interface WorkbenchBridge {
  /** Call a host channel; failures come back as { ok: false, error }, never as a thrown IPC error. */
  invoke(channel: Channel, request: unknown): Promise<CallReply>;
  /** Run events pushed by the host (validate with parseRunEvent); returns an unsubscribe function. */
  onRunEvent(listener: (event: unknown) => void): () => void;
  /** Dataset reading progress pushed by the host (validate with DatasetProgressSchema); returns an unsubscribe function. */
  onDatasetProgress(listener: (progress: unknown) => void): () => void;
  /** Menu commands (File → Open CSV…, Export model…); returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** The file-system path of a File dropped on the window (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/** IPC channel names between preload and main. */
export const IPC_CALL = 'workbench:call';
export const IPC_RUN_EVENT = 'workbench:run-event';
export const IPC_DATASET_PROGRESS = 'workbench:dataset-progress';
export const IPC_MENU = 'workbench:menu';
/** Preload -> main: the path of a file the user dropped (or chose in a file input), which 'datasets:open-path' may then open. */
export const IPC_PICKED_PATH = 'workbench:picked-path';
