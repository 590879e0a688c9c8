/**
 * What the installers ship, computed by electron-builder itself from electron-builder.yml: an unpacked
 * Linux app (`--linux dir`) is built into a temporary folder, with a stand-in for the Electron binary
 * (`electronDist`), which cannot be downloaded everywhere and is no part of the app's own files. The
 * app's files are then read from the app.asar it wrote (and app.asar.unpacked), the extra resources
 * from its resources folder. `npm run dist:list` prints this list; src/packaging.test.ts checks it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asar from '@electron/asar';
import { parse as parseYaml } from 'yaml';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILDER_CONFIG = join(PROJECT_ROOT, 'electron-builder.yml');

/** The built entries Electron loads: main process, training process, engine worker, preload. */
export const RUNTIME_ENTRIES = ['out/main/index.js', 'out/main/training-process.js', 'out/main/engine-worker.js', 'out/preload/index.cjs'] as const;

export interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter?: string[] }[];
  fileAssociations: { ext: string; name: string; role?: string; mimeType?: string }[];
  win: { target: { target: string; arch: string[] }[]; icon: string };
  mac: { target: { target: string; arch: string[] }[]; icon: string };
  linux: { target: { target: string; arch: string[] }[]; icon: string };
  [key: string]: unknown;
}

export function readBuilderConfig(): BuilderConfig {
  return parseYaml(readFileSync(BUILDER_CONFIG, 'utf8')) as BuilderConfig;
}

export interface PackagedFile {
  /** Path inside the app (app.asar's root), with '/' separators. */
  path: string;
  size: number;
  /** Stored in app.asar.unpacked instead of the archive (native files). */
  unpacked: boolean;
}

export interface PackagedApp {
  /** The resources folder electron-builder wrote (holds app.asar, app.asar.unpacked, the extra resources). */
  resourcesDir: string;
  appAsar: string;
  /** Files of the app (inside app.asar or unpacked beside it). */
  appFiles: PackagedFile[];
  /** Extra resources: paths relative to the resources folder (process.resourcesPath). */
  resources: string[];
}

function electronBuilderCli(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('electron-builder/package.json');
  const bin = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> }).bin['electron-builder']!;
  return join(dirname(pkgPath), bin);
}

/**
 * Run electron-builder on the built app (out/ must exist: `npm run build`) into `workDir` and return
 * the resources folder of the unpacked app. Takes a while (it writes the whole app.asar).
 */
export function buildUnpackedApp(workDir: string, log: (line: string) => void = () => {}): string {
  const stand_in = join(workDir, 'electron-stand-in');
  mkdirSync(join(stand_in, 'resources'), { recursive: true });
  writeFileSync(join(stand_in, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary (file list only)"\n', { mode: 0o755 });
  const output = join(workDir, 'dist');
  const out = execFileSync(
    process.execPath,
    [electronBuilderCli(), '--linux', 'dir', '--config', BUILDER_CONFIG, `-c.electronDist=${stand_in}`, `-c.directories.output=${output}`],
    { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  for (const line of out.split('\n')) if (line.trim()) log(line);
  const unpacked = readdirSync(output).find((name) => /^linux(-\w+)?-unpacked$/.test(name));
  if (!unpacked) throw new Error(`electron-builder wrote no unpacked app in ${output}`);
  return join(output, unpacked, 'resources');
}

type HeaderNode = { files?: Record<string, HeaderNode>; size?: number; unpacked?: boolean; link?: string };

/** The file list of an unpacked app's resources folder. */
export function listPackagedApp(resourcesDir: string): PackagedApp {
  const appAsar = join(resourcesDir, 'app.asar');
  const header = asar.getRawHeader(appAsar).header as HeaderNode;
  const appFiles: PackagedFile[] = [];
  const walk = (node: HeaderNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (child.files) walk(child, path);
      else appFiles.push({ path, size: child.size ?? 0, unpacked: child.unpacked === true });
    }
  };
  walk(header, '');
  const resources: string[] = [];
  const walkResources = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (dir === resourcesDir && (name === 'app.asar' || name === 'app.asar.unpacked')) continue;
      if (statSync(full).isDirectory()) walkResources(full);
      else resources.push(relative(resourcesDir, full).split('\\').join('/'));
    }
  };
  walkResources(resourcesDir);
  return { resourcesDir, appAsar, appFiles: appFiles.sort((a, b) => a.path.localeCompare(b.path)), resources: resources.sort() };
}

/** The top-level package a node_modules path belongs to ('@scope/name' or 'name'), or null. */
export function packageOfPath(path: string): string | null {
  const parts = path.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0 || i + 1 >= parts.length) return null;
  return parts[i + 1]!.startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1]!;
}
