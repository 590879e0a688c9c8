import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../contract/invalid-input.js';
import { createPageNames } from './page-names.js';

const names = (hidePaths: boolean) =>
  createPageNames({
    hidePaths,
    datasetName: (file) => (file === '/srv/data/pollution.csv' ? 'dataset-0123456789abcdef' : file.split('/').pop()!),
    knownFiles: () => [{ file: '/srv/data/pollution.csv', name: 'pollution.csv' }],
    folders: [
      { dir: '/srv/wb/runs', label: 'the runs folder' },
      { dir: '/srv/wb/runs/exports', label: 'the exports folder' },
    ],
  });

describe('page names', () => {
  it('names host folders and files in sentences in browser mode, and leaves other slashes alone', () => {
    const page = names(true);
    expect(page.sentence('There is no run r1 in /srv/wb/runs.')).toBe('There is no run r1 in the runs folder.');
    expect(page.sentence('/srv/wb/runs/exports/my-model already exists.')).toBe('"my-model" in the exports folder already exists.');
    expect(page.sentence('/srv/data/pollution.csv has 3 rows; /opt/other/place/x.csv too')).toBe('pollution.csv has 3 rows; x.csv too');
    expect(page.sentence('C:\\Users\\ana\\data\\sales.csv cannot be read')).toBe('sales.csv cannot be read');
    const plain = 'train/test split 80/20, and/or 1/2 of the rows; see docs/BUNDLE.md';
    expect(page.sentence(plain)).toBe(plain);
  });

  it('keeps the error kind and its problems', () => {
    const named = names(true).error(new InvalidInputError('Bad /srv/wb/runs/r1/run.json', ['/srv/wb/runs/r1/run.json is damaged']));
    expect(named).toBeInstanceOf(InvalidInputError);
    expect((named as InvalidInputError).message).toBe('Bad "run.json" in the runs folder');
    expect((named as InvalidInputError).problems).toEqual(['"run.json" in the runs folder is damaged']);
    const internal = new Error('no path here');
    expect(names(true).error(internal)).toBe(internal);
  });

  it('leaves sentences and folders as they are on the desktop, where the user picked them', () => {
    const desk = names(false);
    expect(desk.sentence('There is no run r1 in /srv/wb/runs.')).toBe('There is no run r1 in /srv/wb/runs.');
    expect(desk.folder('/home/ana/exports/my-model')).toBe('/home/ana/exports/my-model');
    expect(names(true).folder('/srv/wb/runs/exports/my-model')).toBe('my-model');
    expect(names(true).folder('/srv/wb/runs')).toBe('the runs folder');
  });
});
