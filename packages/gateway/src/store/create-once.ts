/**
 * Files that several processes may create at the same moment in one state directory (dev keys,
 * keyset, vault key), created so that nobody ever reads one half-written: the content goes to a
 * private temporary file, is flushed, and is then hard-linked into place. `link` fails if the name
 * exists, so exactly one process's content wins and every process reads that one, whole. (A rename
 * would replace a file another process may already have read.)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Creates `file` with `content()` unless it exists, then returns what the file holds. */
export function readOrCreateOnce(file: string, content: () => string, mode: number): string {
  const existing = readIfPresent(file);
  if (existing !== undefined) return existing;
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', mode);
  try {
    writeSync(fd, content());
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
    syncDirectory(dirname(file));
  } catch (error) {
    // Another process linked its file first: read that one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(file, 'utf8');
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Makes the new name durable too; best effort where a directory cannot be opened for syncing. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the file's own content is already durable.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
