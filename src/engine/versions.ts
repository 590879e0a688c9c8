/** Versions recorded with every run and bundle. */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

// Not named `require`: electron-vite adds its own `const require` shim to ESM bundles, and two clash.
const requireHere = createRequire(import.meta.url);

function appVersion(): string {
  try {
    return (requireHere('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function versions(): Record<string, string> {
  return {
    app: appVersion(),
    tfjs: tf.version.tfjs,
    node: process.versions.node,
    ...(process.versions.electron ? { electron: process.versions.electron } : {}),
  };
}
