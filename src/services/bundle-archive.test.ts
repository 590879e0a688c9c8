/**
 * Bundle archives for real: a real bundle (a tiny real training, written by the engine) zipped, unpacked and
 * opened again; hostile archives (zip-slip, symbolic links, foreign files, bombs that lie about their size,
 * damaged bytes, a zip that is not a bundle) refused with their sentence and nothing left on disk.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer as streamToBuffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { InvalidInputError } from '../contract/run-config.js';
import { readBundle, writeRunBundle } from '../engine/bundle/index.js';
import { tinyRun } from '../engine/bundle/test-support/tiny-run.js';
import { importBundleArchive, zipBundleFolder } from './bundle-archive.js';

let root: string;
let bundleDir: string;
let archive: Buffer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bundle-archive-test-'));
  const tiny = await tinyRun(root);
  bundleDir = join(root, 'run-1');
  await writeRunBundle({ dir: bundleDir, model: tiny.model, result: { ...tiny.result, bundleDir } });
  tiny.model.dispose();
  archive = await streamToBuffer(await zipBundleFolder(bundleDir, 'my model'));
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A zip made of the given entries (yazl), as bytes. */
async function zipOf(entries: Array<{ name: string; content: Buffer | string; mode?: number }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.content), e.name, e.mode ? { mode: e.mode } : {});
  zip.end();
  return streamToBuffer(zip.outputStream);
}

/** The real bundle's files as archive entries. */
async function bundleEntries(prefix = ''): Promise<Array<{ name: string; content: Buffer }>> {
  const names = await readdir(bundleDir);
  return Promise.all(names.map(async (name) => ({ name: prefix + name, content: await readFile(join(bundleDir, name)) })));
}

const validate = async (dir: string) => void (await readBundle(dir));

async function importInto(library: string, bytes: Buffer, archiveName = 'upload.zip'): Promise<string> {
  return importBundleArchive({ archive: bytes, archiveName, libraryDir: library, validate });
}

/** Import that must be refused: returns the sentence, and checks that the library folder stayed empty. */
async function refusal(bytes: Buffer, archiveName = 'upload.zip'): Promise<string> {
  const library = await mkdtemp(join(root, 'library-'));
  const error = await importInto(library, bytes, archiveName).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  expect(await readdir(library)).toEqual([]);
  const message = (error as Error).message;
  expect(message).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
  expect(message).not.toContain(library);
  return message;
}

describe('bundle archives', () => {
  it('zips a bundle folder in one top folder, and unpacks it into a bundle that opens like the original', async () => {
    const library = join(root, 'library');
    const dir = await importInto(library, archive, 'my model.zip');
    expect(dir).toBe(join(library, 'my model'));
    expect((await readdir(dir)).sort()).toEqual((await readdir(bundleDir)).sort());
    for (const name of await readdir(bundleDir)) expect((await readFile(join(dir, name))).equals(await readFile(join(bundleDir, name)))).toBe(true);
    const opened = await readBundle(dir);
    const original = await readBundle(bundleDir);
    expect(opened.windowing).toEqual(original.windowing);
    expect(opened.metrics).toEqual(original.metrics);
    // A second upload of the same name gets a new folder; nothing hidden is left behind.
    expect(await importInto(library, archive, 'my model.zip')).toBe(join(library, 'my model (2)'));
    expect((await readdir(library)).sort()).toEqual(['my model', 'my model (2)']);
  });

  it('accepts the files at the top of the archive too', async () => {
    const library = await mkdtemp(join(root, 'flat-'));
    const dir = await importInto(library, await zipOf(await bundleEntries()), 'flat.zip');
    await expect(readBundle(dir)).resolves.toMatchObject({ name: 'flat' });
  });

  it('refuses a path that leaves the folder (zip-slip)', async () => {
    // yazl will not write "../" names, so the name is patched in the bytes (local header and central directory).
    const entries = [...(await bundleEntries()), { name: 'zz/evil.json', content: Buffer.from('{}') }];
    const bytes = await zipOf(entries);
    const patched = Buffer.from(bytes.toString('latin1').split('zz/evil.json').join('../evil.json'), 'latin1');
    const message = await refusal(patched);
    expect(message).toMatch(/^upload\.zip was refused: it names a file outside the bundle folder .*Nothing was written\.$/);
    await expect(readdir(join(root, '..', 'evil.json'))).rejects.toThrow();
  });

  it('refuses an absolute path', async () => {
    const bytes = await zipOf([...(await bundleEntries()), { name: 'zzzzzzzzzz.txt', content: 'x' }]);
    const patched = Buffer.from(bytes.toString('latin1').split('zzzzzzzzzz.txt').join('/etc/cron.d/x'.padEnd(14, 'x')), 'latin1');
    expect(await refusal(patched)).toMatch(/outside the bundle folder/);
  });

  it('refuses a symbolic link, even one named like a bundle file', async () => {
    const entries = (await bundleEntries()).filter((e) => e.name !== 'README.txt');
    const bytes = await zipOf([...entries, { name: 'README.txt', content: '/etc/passwd', mode: 0o120777 }]);
    expect(await refusal(bytes)).toMatch(/"README\.txt" is a symbolic link/);
  });

  it('refuses files that are not bundle files, nested folders, duplicates and empty archives', async () => {
    expect(await refusal(await zipOf([...(await bundleEntries()), { name: 'run.sh', content: 'rm -rf ~' }]))).toMatch(/"run\.sh", which is not a file of a model bundle/);
    expect(await refusal(await zipOf([...(await bundleEntries('a/b/'))]))).toMatch(/at the top or in one folder/);
    expect(await refusal(await zipOf([...(await bundleEntries('a/')), ...(await bundleEntries('b/'))]))).toMatch(/at the top or in one folder/);
    const [first] = await bundleEntries();
    expect(await refusal(await zipOf([first, first]))).toMatch(/twice/);
    expect(await refusal(await zipOf([]))).toMatch(/holds no files/);
  });

  it('refuses an entry whose real size is larger than it declares (a zip bomb that lies)', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const bytes = await zipOf([{ name: 'README.txt', content: big }]);
    // Patch the declared uncompressed size (central directory and local header) down to 1 KB.
    const declared = Buffer.alloc(4);
    declared.writeUInt32LE(big.length);
    const small = Buffer.alloc(4);
    small.writeUInt32LE(1024);
    const patched = Buffer.from(bytes.toString('latin1').split(declared.toString('latin1')).join(small.toString('latin1')), 'latin1');
    expect(await refusal(patched)).toMatch(/"README\.txt" is damaged/);
  });

  it('refuses bytes that are not a zip, an archive over the size limit, and a zip that is not a bundle', async () => {
    expect(await refusal(Buffer.from('model.json,weights.bin\n'))).toMatch(/is not a readable zip archive/);
    const damaged = Buffer.from(archive);
    damaged.fill(0x55, 200, 4000);
    expect(await refusal(damaged)).toMatch(/^upload\.zip was refused: .*(damaged|readable)/);
    const notBundle = await zipOf((await bundleEntries()).filter((e) => e.name !== 'metadata.json'));
    expect(await refusal(notBundle, 'half.zip')).toMatch(/^half\.zip is not a usable model bundle: half\.zip is not a Forecast Workbench bundle/);
  });

  it('refuses an archive larger than the limit before reading it', async () => {
    const library = await mkdtemp(join(root, 'big-'));
    await mkdir(library, { recursive: true });
    const huge = Buffer.alloc(257 * 1024 * 1024);
    await expect(importInto(library, huge, 'huge.zip')).rejects.toThrow(/^huge\.zip is 257\.0 MB; bundle archives are limited to 256\.0 MB\.$/);
    expect(await readdir(library)).toEqual([]);
  });
});
