/**
 * The layering rules of docs/ARCHITECTURE.md, enforced: each folder may import only from the folders
 * inward of it, Electron only in main/ and preload/, no Node or engine code in the renderer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname);

/** Which top-level folders of src/ each folder may import from (besides itself). */
const allowed: Record<string, string[]> = {
  contract: [],
  engine: ['contract'],
  'training-process': ['contract', 'engine'],
  services: ['contract', 'engine'],
  cli: ['contract', 'engine', 'services'],
  server: ['contract', 'engine', 'services'],
  main: ['contract', 'engine', 'services'],
  preload: ['contract'],
  renderer: ['contract'],
};

/** Packages a folder must never import. */
const forbiddenPackages: Record<string, RegExp> = {
  contract: /^(electron|vue|pinia|echarts|@tensorflow|node:)/,
  engine: /^(electron|vue|pinia|ws$)/,
  'training-process': /^(electron|vue|pinia)/,
  services: /^(electron|vue|pinia)/,
  cli: /^(electron|vue|pinia)/,
  server: /^(electron|vue|pinia)/,
  preload: /^(vue|pinia|@tensorflow|node:)/,
  renderer: /^(electron|@tensorflow|node:|fs$|path$|child_process$)/,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) specs.push(m[1]);
  for (const m of text.matchAll(/(?:^|[^.\w])import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  return specs;
}

const topFolder = (file: string) => relative(src, file).split(/[\\/]/)[0];

describe('architecture', () => {
  const files = sourceFiles(src).filter((f) => topFolder(f) in allowed && !/\.test\.ts$/.test(f));

  it('has source files in every layer', () => {
    for (const layer of ['contract', 'engine', 'cli']) expect(files.some((f) => topFolder(f) === layer)).toBe(true);
  });

  it('imports only inward: contract <- engine <- services <- hosts; renderer and preload see only the contract', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = topFolder(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          const targetLayer = topFolder(target);
          if (targetLayer !== layer && !allowed[layer].includes(targetLayer)) {
            violations.push(`${relative(src, file)} imports ${spec} (${layer} may not use ${targetLayer})`);
          }
        } else if (forbiddenPackages[layer]?.test(spec)) {
          violations.push(`${relative(src, file)} imports package ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
