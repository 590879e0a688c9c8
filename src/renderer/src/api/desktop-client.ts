/** The WorkbenchClient inside Electron: wraps `window.workbench` from the preload. */
import type { BundleSummary } from '../../../contract/bundles';
import type { DatasetRef } from '../../../contract/datasets';
import { parseRunEvent, type RunEvent } from '../../../contract/run-events';
import { DatasetProgressSchema, type Channel, type ChannelRequest, type ChannelResponse } from '../../../contract/workbench-api';
import type { MenuCommand, WorkbenchBridge } from '../../../contract/preload-bridge';
import type { WorkbenchClient } from './client';
import { unwrapReply } from './reply';

export interface DesktopClient extends WorkbenchClient {
  /** Application-menu commands (File → Open CSV…, Export model…); returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

export function createDesktopClient(bridge: WorkbenchBridge): DesktopClient {
  async function call<C extends Channel>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>> {
    return unwrapReply(channel, await bridge.invoke(channel, request));
  }
  return {
    host: 'desktop',
    call,
    onRunEvent(listener: (event: RunEvent) => void) {
      return bridge.onRunEvent((raw) => {
        let event: RunEvent;
        try {
          event = parseRunEvent(raw);
        } catch (error) {
          console.warn('Ignored an invalid run event:', (error as Error).message);
          return;
        }
        listener(event);
      });
    },
    onDatasetProgress(listener) {
      return bridge.onDatasetProgress((raw) => {
        const progress = DatasetProgressSchema.safeParse(raw);
        if (progress.success) listener(progress.data);
        else console.warn('Ignored invalid dataset progress.');
      });
    },
    onMenuCommand: (listener) => bridge.onMenuCommand(listener),
    pickDataset: (): Promise<DatasetRef | null> => call('datasets:open-dialog', {}),
    async datasetFromFile(file: File): Promise<DatasetRef> {
      const path = bridge.pathForFile(file);
      if (!path) throw new Error(`${file.name} cannot be opened: it is not a file on this computer.`);
      return call('datasets:open-path', { path });
    },
    pickBundle: (): Promise<BundleSummary | null> => call('bundles:open-dialog', {}),
    async exportBundle(runId, name) {
      const answer = await call('runs:export', { runId, name });
      return answer ? { name: answer.path.split(/[\\/]/).pop() ?? answer.path, path: answer.path } : null;
    },
  };
}
