/** `window.workbench`: present only inside the Electron app (exposed by src/preload/index.ts). */
import type { WorkbenchBridge } from '../../../contract/preload-bridge';

declare global {
  interface Window {
    workbench?: WorkbenchBridge;
  }
}

export {};
