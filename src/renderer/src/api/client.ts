/**
 * The renderer's one way to reach its host. Components and stores use a WorkbenchClient and never know
 * whether they run in Electron (preload bridge) or in a browser (WebSocket to `npm run serve`).
 */
import type { Channel, ChannelRequest, ChannelResponse, DatasetProgress } from '../../../contract/workbench-api';
import type { RunEvent } from '../../../contract/run-events';
import type { DatasetRef } from '../../../contract/datasets';
import type { BundleSummary } from '../../../contract/bundles';
import type { MenuCommand } from '../../../contract/preload-bridge';

/** Browser mode: the fraction of a file sent to the server so far. */
export type UploadListener = (upload: { name: string; fraction: number }) => void;

export interface WorkbenchClient {
  readonly host: 'desktop' | 'browser';
  /** Call a host channel; rejects with an Error whose message is meant for people. */
  call<C extends Channel>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>>;
  /** Receive run events (epoch progress, results, failures); returns an unsubscribe function. */
  onRunEvent(listener: (event: RunEvent) => void): () => void;
  /** How far the host has read a dataset ('datasets:inspect', 'datasets:series'); returns an unsubscribe function. */
  onDatasetProgress(listener: (progress: DatasetProgress) => void): () => void;
  /**
   * Let the user pick a CSV: a native dialog on the desktop, a file chooser + upload in a browser. Null if
   * cancelled. `onUpload` hears how far a browser's upload has gone (the desktop does not upload).
   */
  pickDataset(onUpload?: UploadListener): Promise<DatasetRef | null>;
  /** A file dropped on the window. */
  datasetFromFile(file: File, onUpload?: UploadListener): Promise<DatasetRef>;
  /** Commands chosen in the host's own menu (desktop: File > Open CSV…, Export model…); absent in a browser. */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
  /** Let the user pick an exported bundle: a folder in a native dialog on the desktop, a .zip archive uploaded in a browser. Null if cancelled. */
  pickBundle(): Promise<BundleSummary | null>;
  /**
   * Export a finished run's bundle: the desktop asks where with a save dialog and writes the folder; a
   * browser downloads it as one zip archive. Null if cancelled. `path` is the folder written (desktop only).
   */
  exportBundle(runId: string, name: string | null): Promise<{ name: string; path: string | null } | null>;
}
