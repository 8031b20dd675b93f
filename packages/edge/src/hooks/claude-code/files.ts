/**
 * Reading the hook's own files without trusting what is at their paths. The agent runs as the same
 * user, so a state file may have been replaced by a FIFO (a plain read would wait forever, and the hook
 * with it, until Claude Code times it out and runs the tool), a device, or a link to something huge.
 * Only a regular file within a size cap is read; anything else is an error the caller treats as damage.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
}

/**
 * The file's bytes, or null when it does not exist. Opened non-blocking (a FIFO never stalls the open)
 * and checked to be a regular file of at most `maxBytes` before reading; anything else throws.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UnreadableFileError(`${path} cannot be opened (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnreadableFileError(`${path} is not a regular file`);
    if (stat.size > maxBytes) throw new UnreadableFileError(`${path} is larger than ${maxBytes} bytes`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
