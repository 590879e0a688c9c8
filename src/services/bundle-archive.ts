/**
 * Model bundles as one zip archive: packing a bundle folder for a download (yazl), and unpacking an
 * uploaded archive (yauzl), which is treated as hostile. An archive is accepted only when every entry is a
 * bundle file name (BUNDLE_FILE_NAMES) at its root or in one top folder: no other names, no paths that
 * leave the folder (zip-slip), no symbolic links, no encryption, no duplicates, within the entry and size
 * limits (BUNDLE_ARCHIVE_LIMITS), each entry's real size equal to the size it declares. Files are written
 * into a fresh hidden folder, which the caller validates as a bundle and then renames into place; any
 * refusal removes it, so nothing half-written is left.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { BUNDLE_ARCHIVE_LIMITS, BUNDLE_FILE_NAMES } from '../contract/bundles.js';
import { InvalidInputError } from '../contract/run-config.js';
import { formatBytes } from './dataset-service.js';
import { safeFolderName } from './export-service.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;

/** A zip of the bundle folder's files (bundle file names only), inside one folder named `folderName`. */
export async function zipBundleFolder(dir: string, folderName: string): Promise<Readable> {
  const zip = new yazl.ZipFile();
  const top = safeFolderName(folderName);
  for (const name of (await readdir(dir)).sort()) {
    if (!BUNDLE_FILE_NAMES.includes(name)) continue;
    const info = await lstat(join(dir, name));
    if (!info.isFile()) continue;
    zip.addFile(join(dir, name), `${top}/${name}`, { mode: S_IFREG | 0o644 });
  }
  zip.end();
  return zip.outputStream as Readable;
}

export interface ImportBundleArchiveOptions {
  /** The archive's bytes (already capped at BUNDLE_ARCHIVE_LIMITS.archiveBytes by the caller). */
  archive: Buffer;
  /** The file name the user uploaded, for the sentences and the folder's name. */
  archiveName: string;
  /** Folder the bundle is unpacked into (as a new sub-folder). */
  libraryDir: string;
  /** Throws (InvalidInputError) when the unpacked folder is not a usable bundle. */
  validate: (dir: string) => Promise<void>;
}

/** Unpack a bundle archive into a new folder of libraryDir; returns that folder. Refusals are InvalidInputErrors. */
export async function importBundleArchive(options: ImportBundleArchiveOptions): Promise<string> {
  const { archive, archiveName, libraryDir } = options;
  if (archive.length > BUNDLE_ARCHIVE_LIMITS.archiveBytes) {
    throw new InvalidInputError(`${archiveName} is ${formatBytes(archive.length)}; bundle archives are limited to ${formatBytes(BUNDLE_ARCHIVE_LIMITS.archiveBytes)}.`);
  }
  await mkdir(libraryDir, { recursive: true });
  const temp = join(libraryDir, `.partial-import-${randomBytes(6).toString('hex')}`);
  await mkdir(temp);
  try {
    await unpack(archive, archiveName, temp);
    try {
      await options.validate(temp);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      // The engine names the folder it read; people know the archive.
      throw new InvalidInputError(`${archiveName} is not a usable model bundle: ${error.message.split(temp).join(archiveName)}`, error.problems);
    }
    const destination = await freeFolder(libraryDir, archiveName.replace(/\.zip$/i, ''));
    await rename(temp, destination);
    return destination;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** A folder name in `parent` that is not taken yet: "name", then "name (2)", "name (3)", … */
async function freeFolder(parent: string, wanted: string): Promise<string> {
  const base = safeFolderName(wanted || 'bundle');
  for (let i = 1; i < 1000; i++) {
    const candidate = join(parent, i === 1 ? base : `${base} (${i})`);
    try {
      await lstat(candidate);
    } catch {
      return candidate;
    }
  }
  throw new InvalidInputError(`There are too many bundles named ${base}: remove some first.`);
}

function readable(error: unknown): string {
  return (error as Error).message?.replace(/\.$/, '') || String(error);
}

async function unpack(archive: Buffer, archiveName: string, into: string): Promise<void> {
  const refuse = (why: string) => new InvalidInputError(`${archiveName} was refused: ${why}. Nothing was written.`);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  } catch (error) {
    throw refuse(`it is not a readable zip archive (${readable(error)})`);
  }
  try {
    if (zip.entryCount > BUNDLE_ARCHIVE_LIMITS.entries) throw refuse(`it holds ${zip.entryCount} entries, more than the ${BUNDLE_ARCHIVE_LIMITS.entries} a bundle archive may hold`);
    let top: string | null | undefined;
    const seen = new Set<string>();
    let unpacked = 0;
    const entries = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        const why = readable(error);
        throw refuse(/relative path|absolute path|invalid characters/i.test(why) ? `it names a file outside the bundle folder (${why})` : `it is damaged (${why})`);
      }
      if (next.done) break;
      const entry = next.value;
      const name = entry.fileName;
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (type === S_IFLNK) throw refuse(`"${name}" is a symbolic link; a bundle archive holds only the bundle's files`);
      if (entry.isEncrypted()) throw refuse(`"${name}" is encrypted`);
      const parts = name.split('/');
      if (name.endsWith('/')) {
        // A folder entry: only the one top folder the files sit in.
        if (parts.length !== 2 || (top !== undefined && top !== parts[0])) throw refuse(`it holds the folder "${name}"; a bundle archive holds its files at the top or in one folder`);
        top = parts[0];
        continue;
      }
      const folder = parts.length === 2 ? parts[0] : parts.length === 1 ? null : undefined;
      const file = parts[parts.length - 1];
      if (folder === undefined || (top !== undefined && top !== folder)) throw refuse(`it holds "${name}"; a bundle archive holds its files at the top or in one folder`);
      top = folder;
      if (!BUNDLE_FILE_NAMES.includes(file)) throw refuse(`it holds "${name}", which is not a file of a model bundle (those are ${BUNDLE_FILE_NAMES.join(', ')})`);
      if (seen.has(file)) throw refuse(`it holds "${file}" twice`);
      seen.add(file);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw refuse(`"${name}" uses a compression method (${entry.compressionMethod}) other than stored or deflate`);
      unpacked += entry.uncompressedSize;
      if (unpacked > BUNDLE_ARCHIVE_LIMITS.unpackedBytes) throw refuse(`it would unpack to more than ${formatBytes(BUNDLE_ARCHIVE_LIMITS.unpackedBytes)}`);
      try {
        const stream = await zip.openReadStreamPromise(entry);
        await pipeline(stream, createWriteStream(join(into, file), { flags: 'wx' }));
      } catch (error) {
        throw refuse(`"${name}" is damaged (${readable(error)})`);
      }
    }
    if (seen.size === 0) throw refuse('it holds no files');
  } finally {
    zip.close();
  }
}
