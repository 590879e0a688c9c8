/** The desktop gate on renderer-named paths: only what the user picked (dialog, drop, export) or the runs folder. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PickedPaths } from './picked-paths.js';

const runs = '/home/me/.config/forecast-workbench/runs';

describe('PickedPaths', () => {
  it('lets through picked files and folders and bundles under the runs folder', () => {
    const picked = new PickedPaths([runs]);
    expect(picked.add('/home/me/data/sales.csv')).toBe('/home/me/data/sales.csv');
    expect(picked.add(null)).toBeNull();
    picked.add('/home/me/models/my-model/');
    expect(picked.refusal('datasets:open-path', { path: '/home/me/data/sales.csv' })).toBeNull();
    expect(picked.refusal('bundles:open-path', { path: '/home/me/models/my-model' })).toBeNull();
    expect(picked.refusal('bundles:open-path', { path: join(runs, 'run-1') })).toBeNull();
  });

  it('refuses any other path the renderer names, in a sentence', () => {
    const picked = new PickedPaths([runs]);
    picked.add('/home/me/data/sales.csv');
    for (const path of ['/etc/passwd', '/home/me/data/other.csv', '/home/me/data/sales.csv/../secret.csv', 'sales.csv', join(runs, '..', 'settings.json')]) {
      const why = picked.refusal('datasets:open-path', { path });
      expect(why, path).toMatch(/was not chosen in a dialog or dropped on the window/);
      expect(picked.refusal('bundles:open-path', { path }), path).not.toBeNull();
    }
  });

  it('leaves other channels and malformed requests to the host', () => {
    const picked = new PickedPaths();
    expect(picked.refusal('datasets:inspect', { path: '/etc/passwd' })).toBeNull();
    expect(picked.refusal('datasets:open-path', { path: 42 })).toBeNull();
    expect(picked.refusal('datasets:open-path', null)).toBeNull();
  });
});
