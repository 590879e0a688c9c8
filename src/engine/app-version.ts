/**
 * This app's version, read once from its package.json: the nearest one above this module named
 * forecast-workbench (src/engine, lib/engine, out/main and the packaged app.asar all find it), else 'unknown'.
 * Runs, bundles and the browser-mode server all report this one value.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'forecast-workbench';

function readAppVersion(): string {
  let folder: string;
  try {
    folder = dirname(fileURLToPath(import.meta.url));
  } catch {
    return 'unknown'; // not loaded from a file
  }
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === APP_NAME && pkg.version) return pkg.version;
    } catch {
      // no package.json here; look one level up
    }
    folder = dirname(folder);
  }
  return 'unknown';
}

export const APP_VERSION = readAppVersion();
