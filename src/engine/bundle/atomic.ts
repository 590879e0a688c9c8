/**
 * Writing a folder all at once: everything goes into a hidden sibling `.<name>.partial-<random>` which is
 * renamed to its final name only when complete; on any failure the partial folder is removed. An existing
 * destination is refused, never overwritten.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError } from '../../contract/run-config.js';

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
  };
  if (!code || !(code in reasons)) return null;
  return new InvalidInputError(`Cannot ${action}: ${reasons[code]} (${code}).`);
}

/**
 * Create `dir` by filling a temporary sibling folder with `fill` and renaming it. Returns the absolute path.
 * Throws InvalidInputError if `dir` exists; removes the temporary folder if anything fails.
 */
export async function writeFolderAtomically(dir: string, fill: (tempDir: string) => Promise<void>): Promise<string> {
  const target = resolve(dir);
  const name = basename(target);
  if (!name || target === dirname(target)) throw new InvalidInputError(`"${dir}" is not a usable folder name; choose another name.`);
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
  const temp = join(parent, `.${name}.partial-${randomBytes(6).toString('hex')}`);
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
