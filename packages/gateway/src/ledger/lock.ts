/**
 * A best-effort guard against a second process opening the same ledger directory, which would fork
 * chains (each process serializes appends only within itself). The lock file holds `{pid, host}`; a
 * lock left by a dead process on this host (e.g. after `kill -9`) is taken over. Not a distributed
 * lock: two processes racing to take over one stale lock, or hosts sharing a network volume, can still
 * both proceed. Several writers need the PostgreSQL store.
 */
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

export const LEDGER_LOCK_FILE = '.actpass-ledger.lock';

export class LedgerLockedError extends Error {
  override readonly name = 'LedgerLockedError';
  constructor(
    readonly lockFile: string,
    readonly holder: string,
  ) {
    super(
      `ledger directory is in use by ${holder} (${lockFile}); one gateway process owns a file ledger — ` +
        'use the PostgreSQL store for several processes, or remove the lock file if that process is gone',
    );
  }
}

export interface DirectoryLock {
  release(): Promise<void>;
}

export async function lockDirectory(directory: string): Promise<DirectoryLock> {
  const lockFile = path.join(directory, LEDGER_LOCK_FILE);
  const me = { pid: process.pid, host: hostname() };
  // Written aside and hard-linked into place: link() is atomic and fails if the lock exists, so a lock
  // file is never observed half-written.
  const candidate = `${lockFile}.${process.pid}.tmp`;
  await writeFile(candidate, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(candidate, lockFile);
        return { release: () => unlink(lockFile).catch(() => undefined) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readHolder(lockFile);
      if (holder && (holder.host !== me.host || isAlive(holder.pid))) {
        throw new LedgerLockedError(lockFile, `pid ${holder.pid} on ${holder.host}`);
      }
      // The holder is gone (e.g. killed with -9): take the lock over.
      await unlink(lockFile).catch(() => undefined);
    }
  } finally {
    await unlink(candidate).catch(() => undefined);
  }
  throw new LedgerLockedError(lockFile, 'another process');
}

async function readHolder(lockFile: string): Promise<{ pid: number; host: string } | null> {
  try {
    const parsed = JSON.parse(await readFile(lockFile, 'utf8')) as { pid?: unknown; host?: unknown };
    return Number.isSafeInteger(parsed.pid) && typeof parsed.host === 'string'
      ? { pid: parsed.pid as number, host: parsed.host }
      : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
