/**
 * Opening files that must be ordinary files on disk (a CSV, a bundle's model.json and weights): opened
 * without blocking, so a FIFO or a device named by mistake or malice is refused at once instead of hanging
 * the reader or feeding it endless bytes (/dev/zero), and checked on the open handle, so what is read is
 * what was checked.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InvalidInputError } from '../../contract/run-config.js';

interface RegularFile {
  handle: FileHandle;
  size: number;
}

/** Why a file that is not a regular file cannot be read, in words. */
function notRegular(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'it is a folder, not a file';
  if (stats.isFIFO()) return 'it is a named pipe (FIFO), not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device, not a regular file';
  if (stats.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

/**
 * Open `path` for reading if it is a regular file; `name` names it in the sentence of an
 * InvalidInputError otherwise. O_NONBLOCK keeps open() of a FIFO from waiting for a writer; it has no
 * effect on reading a regular file. The caller closes the handle.
 */
export async function openRegularFile(path: string, name: string, onError: (error: unknown) => Error): Promise<RegularFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw onError(error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new InvalidInputError(`${name} cannot be read: ${notRegular(stats)}.`);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error instanceof InvalidInputError ? error : onError(error);
  }
}

/** Read exactly `size` bytes from an open file (fewer if it shrank meanwhile). */
export async function readWhole(file: RegularFile): Promise<Buffer> {
  const buffer = Buffer.alloc(file.size);
  let offset = 0;
  while (offset < file.size) {
    const { bytesRead } = await file.handle.read(buffer, offset, file.size - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset === file.size ? buffer : buffer.subarray(0, offset);
}
