#!/usr/bin/env node
/**
 * Compiles the Node side of the project (engine, contract, services, training process, server, CLI) from
 * src/ to plain JavaScript in lib/, file for file, so the command line, browser mode and the forked
 * training and engine processes run without a TypeScript loader. `npm install` runs it (the `prepare`
 * script) and so does `npm run build`. lib/ mirrors src/ at the same depth, so paths found relative to a
 * module (package.json, resources/, sibling entries) are the same in both trees.
 * The Electron main process, preload and renderer are built by electron-vite instead (out/).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const skip = new Set(['renderer', 'main', 'preload']);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return dir === src && skip.has(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const entryPoints = sources(src);
rmSync(join(root, 'lib'), { recursive: true, force: true });
await build({
  entryPoints,
  outdir: join(root, 'lib'),
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log(`lib/: ${entryPoints.length} modules compiled from ${relative(root, src)}/`);
