/** Versions recorded with every run and bundle. */
import * as tf from '@tensorflow/tfjs';
import { APP_VERSION } from './app-version.js';

export function versions(): Record<string, string> {
  return {
    app: APP_VERSION,
    tfjs: tf.version.tfjs,
    node: process.versions.node,
    ...(process.versions.electron ? { electron: process.versions.electron } : {}),
  };
}
