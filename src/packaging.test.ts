/**
 * The packaging configuration, checked here since installers cannot be built on this machine (no
 * Electron binary): electron-builder itself packs the built app from electron-builder.yml into an
 * unpacked Linux app (packaging/packaged-app.ts), and this test reads what it wrote:
 * - every runtime import of the main process, training process, engine worker and preload resolves
 *   inside the packaged files (a real module-graph walk in an extracted copy of app.asar);
 * - native files are unpacked (asarUnpack), including tfjs-node's where it is installed;
 * - no dev-only file is shipped (no devDependency-only package, no sources, tests or source maps);
 * - the bundled datasets are extra resources the engine finds; the config names the installers, icons,
 *   "Open with" for .csv, and takes the version from package.json.
 * Needs `npm run build` first (npm test runs it); builds out/ itself when it is missing.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants, getPriority, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import asar from '@electron/asar';
import { minimatch } from 'minimatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkModuleGraph, type ModuleGraph } from '../packaging/module-graph.js';
import { PROJECT_ROOT, RUNTIME_ENTRIES, buildUnpackedApp, listPackagedApp, packageOfPath, readBuilderConfig, type PackagedApp } from '../packaging/packaged-app.js';

const config = readBuilderConfig();
const projectPackage = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};

let work: string;
let app: PackagedApp;
let extracted: string;
let graph: ModuleGraph;
let priorityBefore = 0;

beforeAll(() => {
  // Packing and walking take a minute of CPU and disk: at low priority (electron-builder inherits it), so
  // the tests running beside this file, some of them long trainings, keep the machine first.
  priorityBefore = getPriority();
  setPriority(constants.priority.PRIORITY_LOW);
  if (!RUNTIME_ENTRIES.every((entry) => existsSync(join(PROJECT_ROOT, entry)))) {
    execSync('npx electron-vite build', { cwd: PROJECT_ROOT, stdio: 'inherit' });
  }
  work = mkdtempSync(join(tmpdir(), 'fw-packaging-'));
  app = listPackagedApp(buildUnpackedApp(work));
  extracted = join(work, 'extracted');
  asar.extractAll(app.appAsar, extracted);
  graph = walkModuleGraph(extracted, RUNTIME_ENTRIES);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  try {
    setPriority(priorityBefore); // raising it back may need privileges; a reused worker then stays low
  } catch {
    // keep the low priority
  }
});

const packagedPaths = () => new Set(app.appFiles.map((f) => f.path));

/** Packages installed in the project, with the folder of each (hoisted and nested). */
function installedPackages(dir = join(PROJECT_ROOT, 'node_modules'), found = new Map<string, string[]>()): Map<string, string[]> {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? readdirSync(join(dir, name)).map((n) => `${name}/${n}`) : [name];
    for (const pkg of names) {
      const pkgDir = join(dir, pkg);
      if (!existsSync(join(pkgDir, 'package.json'))) continue;
      found.set(pkg, [...(found.get(pkg) ?? []), pkgDir]);
      installedPackages(join(pkgDir, 'node_modules'), found);
    }
  }
  return found;
}

/** The production closure: package.json dependencies + optionalDependencies, transitively, as installed. */
function productionPackages(): Set<string> {
  const installed = installedPackages();
  const seen = new Set<string>();
  const queue = [...Object.keys(projectPackage.dependencies), ...Object.keys(projectPackage.optionalDependencies ?? {})];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name) || !installed.has(name)) continue;
    seen.add(name);
    for (const dir of installed.get(name)!) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      queue.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
    }
  }
  return seen;
}

describe('the packaged app (electron-builder.yml, packed by electron-builder)', () => {
  it('holds the four runtime entries and package.json with the project\'s version', () => {
    const paths = packagedPaths();
    for (const entry of RUNTIME_ENTRIES) expect(paths.has(entry), entry).toBe(true);
    const packaged = JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8')) as { version: string; main: string };
    expect(packaged.version).toBe(projectPackage.version);
    expect(paths.has(packaged.main.replace(/^\.\//, ''))).toBe(true);
    expect(config).not.toHaveProperty('extraMetadata');
    expect(config).not.toHaveProperty('buildVersion');
  });

  it('every runtime import of the main process, training process, engine worker and preload resolves inside the package', () => {
    const required = graph.unresolved.filter((u) => u.required).map((u) => `${u.from} ${u.kind}s ${u.specifier}`);
    expect(required).toEqual([]);
    expect(graph.escaped).toEqual([]);
    // The walk is real: it reaches the engine's dependencies through the built chunks.
    const reachedPackages = new Set([...graph.files].map(packageOfPath).filter((p) => p !== null));
    for (const pkg of ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', 'zod', 'papaparse', 'protobufjs', 'echarts', '@resvg/resvg-js']) {
      expect(reachedPackages, pkg).toContain(pkg);
    }
    const paths = packagedPaths();
    for (const file of graph.files) expect(paths.has(file), file).toBe(true);
    // Files read at run time rather than imported: the WebAssembly backend's binaries (--backend wasm).
    for (const wasm of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      expect(paths.has(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${wasm}`), wasm).toBe(true);
    }
    // What the code copes without is only what may be absent: tfjs-node (optional) and other platforms' binaries.
    const ownOptional = graph.unresolved.filter((u) => !u.required && !u.from.includes('node_modules/')).map((u) => u.specifier);
    expect(new Set(ownOptional)).toEqual(new Set(existsSync(join(PROJECT_ROOT, 'node_modules/@tensorflow/tfjs-node')) ? [] : ['@tensorflow/tfjs-node']));
  });

  it('native files are unpacked beside app.asar', () => {
    const native = app.appFiles.filter((f) => f.path.endsWith('.node'));
    expect(native.length).toBeGreaterThan(0); // resvg's binding for this platform at least
    expect(native.filter((f) => !f.unpacked).map((f) => f.path)).toEqual([]);
    for (const file of graph.files) if (file.endsWith('.node')) expect(app.appFiles.find((f) => f.path === file)?.unpacked, file).toBe(true);
    // tfjs-node (an optional dependency that cannot install here) goes unpacked whole: its binding loads
    // libtensorflow from its own deps/ folder.
    const unpackedByConfig = (path: string) => config.asarUnpack.some((pattern) => minimatch(path, pattern, { dot: true }));
    for (const path of [
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.so.2',
      'node_modules/@tensorflow/tfjs-node/deps/lib/tensorflow.dll',
      'node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.2.dylib',
    ]) {
      expect(unpackedByConfig(path), path).toBe(true);
    }
  });

  it('ships no dev-only file: no devDependency-only package, sources, tests, source maps or browser-mode build', () => {
    const production = productionPackages();
    const shippedPackages = new Set(app.appFiles.map((f) => packageOfPath(f.path)).filter((p): p is string => p !== null));
    const devOnly = [...shippedPackages].filter((p) => !production.has(p));
    expect(devOnly).toEqual([]);
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', 'onnxruntime-node', '@playwright/test', 'vue', 'electron-vite']) {
      if (!production.has(dev)) expect(shippedPackages, dev).not.toContain(dev);
    }
    const ownFiles = app.appFiles.map((f) => f.path).filter((p) => !p.startsWith('node_modules/'));
    expect(ownFiles.filter((p) => !(p === 'package.json' || /^out\/(main|preload|renderer)\//.test(p)))).toEqual([]);
    expect(ownFiles.filter((p) => /\.(map|ts)$|\.test\./.test(p))).toEqual([]);
    expect(ownFiles).toContain('out/renderer/index.html');
  });

  it('the bundled datasets are extra resources, where the engine looks in a packaged app', async () => {
    const datasets = readdirSync(join(PROJECT_ROOT, 'resources', 'datasets')).filter((f) => f.endsWith('.csv'));
    expect(datasets.length).toBeGreaterThan(0);
    for (const file of datasets) expect(app.resources).toContain(`datasets/${file}`);
    expect(app.appFiles.some((f) => f.path.startsWith('resources/'))).toBe(false);
    // The main process sets FORECAST_WORKBENCH_RESOURCES to process.resourcesPath for its utility processes.
    process.env.FORECAST_WORKBENCH_RESOURCES = app.resourcesDir;
    const { bundledDatasetsDir } = await import('./engine/data/bundled-datasets.js');
    expect(bundledDatasetsDir()).toBe(join(app.resourcesDir, 'datasets'));
    delete process.env.FORECAST_WORKBENCH_RESOURCES;
  });
});

describe('electron-builder.yml', () => {
  const targets = (os: 'win' | 'mac' | 'linux') => config[os].target.map((t) => `${t.target}:${t.arch.join('+')}`);

  it('builds a Windows NSIS installer, macOS dmg for x64 and arm64, Linux AppImage and deb', () => {
    expect(targets('win')).toEqual(['nsis:x64']);
    expect(targets('mac')).toEqual(['dmg:x64+arm64']);
    expect(targets('linux')).toEqual(['AppImage:x64', 'deb:x64']);
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('Forecast Workbench');
  });

  it('has the icons it names: ico, icns and the Linux PNG sizes, made from icon.svg', () => {
    const magic = (path: string, n: number) => [...readFileSync(join(PROJECT_ROOT, path)).subarray(0, n)];
    expect(magic(config.win.icon, 4)).toEqual([0, 0, 1, 0]); // ICO header
    expect(Buffer.from(magic(config.mac.icon, 4)).toString('latin1')).toBe('icns');
    const pngs = readdirSync(join(PROJECT_ROOT, config.linux.icon));
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngs).toContain(`${size}x${size}.png`);
    for (const png of pngs) expect(magic(join(config.linux.icon, png), 4)).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(existsSync(join(PROJECT_ROOT, 'resources', 'icons', 'icon.svg'))).toBe(true);
  });

  it('registers "Open with" for .csv files', () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'csv', mimeType: 'text/csv' })]);
  });
});
