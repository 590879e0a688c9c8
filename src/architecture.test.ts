/**
 * The layering rules of docs/ARCHITECTURE.md, enforced by dependency-cruiser with the rules in
 * .dependency-cruiser.cjs (also `npm run lint:deps`): each folder imports only from the folders inward of it,
 * Electron only in main/ and preload/, no Node, engine or TensorFlow.js code in the renderer. Side-effect and
 * dynamic imports count like any other.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const rules = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'));

async function violations(paths: string[]): Promise<string[]> {
  const { output } = await cruise(paths, { ...rules.options, validate: true, ruleSet: { forbidden: rules.forbidden } });
  const result = output as ICruiseResult;
  return result.summary.violations
    .filter((v) => v.rule.severity === 'error')
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('architecture', () => {
  it('imports only inward: contract <- engine <- services <- hosts; renderer and preload see only the contract', async () => {
    process.chdir(root);
    expect(await violations(['src'])).toEqual([]);
  }, 60_000);

  it('catches a side-effect import, a dynamic import, a Node built-in and TensorFlow.js in the renderer', async () => {
    process.chdir(root);
    const dir = mkdtempSync(join(root, 'src', 'renderer', 'src', '.arch-probe-'));
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'bad.ts'), [
        "import '../../../engine/run.js';",
        "import 'node:fs';",
        "import * as tf from '@tensorflow/tfjs';",
        "export const later = () => import('../../../services/create-host.js');",
        'export const t = tf.add;',
      ].join('\n'));
      const found = await violations([relative(root, dir)]);
      expect(found.some((v) => v.startsWith('renderer-imports-inward-only') && v.includes('src/engine/run.ts'))).toBe(true);
      expect(found.some((v) => v.startsWith('renderer-imports-inward-only') && v.includes('src/services/create-host.ts'))).toBe(true);
      expect(found.some((v) => v.startsWith('renderer-no-node-builtins'))).toBe(true);
      expect(found.some((v) => v.startsWith('renderer-forbidden-packages') && v.includes('@tensorflow'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
