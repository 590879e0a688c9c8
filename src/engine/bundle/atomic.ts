/**
 * Writing files and folders all at once, the one module for bundles, checkpoints, prediction CSVs and the
 * run store's records.
 * - Single files: write-file-atomic (a temporary sibling renamed into place). `replaceFileAtomically`
 *   replaces (run records); `writeFileAtomically` refuses an existing file (prediction CSVs).
 * - Folders: filled in a temporary sibling folder, then renamed. `writeFolderAtomically` (bundles) fills a
 *   hidden `.<name>.partial-<pid>-<random>`, refuses an existing destination, and first sweeps the
 *   partials whose process is gone (a SIGKILL mid-write cannot remove its own); `replaceFolderAtomically`
 *   (checkpoints, one writer per folder) swaps through `<dir>.partial` and `<dir>.old`, the names
 *   train/checkpoint-location.ts repairs an interrupted swap from.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InvalidInputError } from '../../contract/invalid-input.js';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function alreadyExists(target: string): InvalidInputError {
  return new InvalidInputError(`${target} already exists; choose another name.`);
}

/** A sentence for a file-system error (no space, read-only, no permission...), or null if it is not one. */
export function describeFsError(error: unknown, action: string): InvalidInputError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reasons: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'the operation is not permitted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENAMETOOLONG: 'the name is too long',
    EEXIST: 'something with that name already exists',
    ENOENT: 'a part of the path does not exist or cannot hold files',
    EISDIR: 'it is a folder',
    EINVAL: 'the name is not valid there',
  };
  if (!code) return null;
  const reason = reasons[code] ?? (error as Error).message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '');
  return new InvalidInputError(`Cannot ${action}: ${reason} (${code}).`);
}

/**
 * Check, before any work, that a new folder can be written at `path` (given as `flag`, e.g. "--out"): a
 * name, nothing there yet, and a parent folder that exists (or can be made) and takes a new folder (probed).
 * Returns the absolute path.
 */
export async function assertNewFolderWritable(path: string, flag: string): Promise<string> {
  if (path.trim() === '') throw new InvalidInputError(`${flag} needs the name of a new folder; it was given an empty name.`);
  const { target, parent, name } = await prepareTarget(path, 'folder');
  const probe = join(parent, partialName(name));
  try {
    await mkdir(probe);
  } catch (error) {
    throw describeFsError(error, `write ${target}`) ?? new InvalidInputError(`Cannot write ${target}: ${(error as Error).message}.`);
  }
  await rm(probe, { recursive: true, force: true });
  return target;
}

/** `.<name>.partial-<pid>-<12 hex>`, and the name format of older versions, `.<name>.partial-<12 hex>`. */
const PARTIAL_NAME = /^\..+\.partial-(?:(\d+)-)?[0-9a-f]{12}$/;
/** Partials without a process id (older versions) are swept once they are this old. */
const LEGACY_PARTIAL_MS = 24 * 60 * 60 * 1000;

const partialName = (name: string) => `.${name}.partial-${process.pid}-${randomBytes(6).toString('hex')}`;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/**
 * Remove the partials in `folder` left by writes whose process no longer runs (killed mid-write). Returns
 * the names removed. Partials of live processes, this one included, are left alone.
 */
export async function sweepStalePartials(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = PARTIAL_NAME.exec(name);
    if (!match) continue;
    const path = join(folder, name);
    if (match[1] !== undefined) {
      const pid = Number(match[1]);
      if (pid === process.pid || processIsAlive(pid)) continue;
    } else {
      const info = await stat(path).catch(() => null);
      if (!info || Date.now() - info.mtimeMs < LEGACY_PARTIAL_MS) continue;
    }
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

/** The absolute target, refused when it exists or is no usable name; its parent folder is created. */
async function prepareTarget(path: string, kind: 'file' | 'folder'): Promise<{ target: string; parent: string; name: string }> {
  const target = resolve(path);
  const name = basename(target);
  if (!name || target === dirname(target)) throw new InvalidInputError(`"${path}" is not a usable ${kind} name; choose another name.`);
  let exists: boolean;
  try {
    exists = await pathExists(target);
  } catch (error) {
    throw describeFsError(error, `write ${target}`) ?? error;
  }
  if (exists) throw alreadyExists(target);
  const parent = dirname(target);
  try {
    await mkdir(parent, { recursive: true });
  } catch (error) {
    throw describeFsError(error, `create the folder ${parent}`) ?? error;
  }
  await sweepStalePartials(parent);
  return { target, parent, name };
}

/**
 * Create `dir` by filling a temporary sibling folder with `fill` and renaming it. Returns the absolute path.
 * Throws InvalidInputError if `dir` exists; removes the temporary folder if anything fails.
 */
export async function writeFolderAtomically(dir: string, fill: (tempDir: string) => Promise<void>): Promise<string> {
  const { target, parent, name } = await prepareTarget(dir, 'folder');
  const temp = join(parent, partialName(name));
  try {
    await mkdir(temp);
  } catch (error) {
    throw describeFsError(error, `write in ${parent}`) ?? error;
  }
  try {
    await fill(temp);
    if (await pathExists(target)) throw alreadyExists(target);
    await rename(temp, target);
    return target;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof InvalidInputError) throw error;
    throw describeFsError(error, `write ${target}`) ?? error;
  }
}

/**
 * Write the file at `path` all at once, replacing what is there (write-file-atomic: a temporary sibling
 * renamed into place, removed on failure). `action` names the write in the sentence of a file-system error.
 */
export async function replaceFileAtomically(path: string, content: string | Uint8Array, action = `write ${path}`): Promise<void> {
  try {
    await writeFileAtomic(path, typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  } catch (error) {
    throw describeFsError(error, action) ?? error;
  }
}

/** Write a new file at `path` with `content` all at once (refuses an existing file). Returns the absolute path. */
export async function writeFileAtomically(path: string, content: string | Uint8Array): Promise<string> {
  const { target } = await prepareTarget(path, 'file');
  await replaceFileAtomically(target, content);
  return target;
}

/** The suffixes of the folders `replaceFolderAtomically` fills (`<dir>.partial`) and moves the old content to (`<dir>.old`). */
export const REPLACING_SUFFIX = '.partial';
export const REPLACED_SUFFIX = '.old';

/** `dir` and the two folders a replacement of it uses. */
export const replacedFolderPaths = (dir: string): string[] => [dir, `${dir}${REPLACING_SUFFIX}`, `${dir}${REPLACED_SUFFIX}`];

/**
 * Replace the folder `dir` (which may not exist yet) with one filled by `fill`: filled in `<dir>.partial`,
 * then swapped in through `<dir>.old`, so `dir` is always either the old or the new content whole (after a
 * crash between the two renames, `<dir>.old` holds the old one). For one writer per folder (checkpoints).
 */
export async function replaceFolderAtomically(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  const partial = `${dir}${REPLACING_SUFFIX}`;
  const old = `${dir}${REPLACED_SUFFIX}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await fill(partial);
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch(() => undefined);
  await rename(partial, dir);
  await rm(old, { recursive: true, force: true });
}

/** Remove a folder written by `replaceFolderAtomically` and whatever a crash mid-replace left beside it. */
export async function removeReplacedFolder(dir: string): Promise<void> {
  await Promise.all(replacedFolderPaths(dir).map((d) => rm(d, { recursive: true, force: true })));
}
