/** Run ids: time-ordered and unique, e.g. run-20261126-120000-3fa2c1 (a light module: no TensorFlow.js). */
import { randomBytes } from 'node:crypto';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
