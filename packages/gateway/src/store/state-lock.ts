/**
 * One gateway process per state directory. The file stores keep their state in memory and serialize
 * writes within their process only, so a second process on the same directory would fork the ledger
 * and lose writes. `createFileStores` takes this lock before anything is read and refuses to start
 * when another live process holds it, naming that process.
 *
 * The lock file `<dir>/gateway.lock` holds `{pid, host, started_at}`; it is written aside and
 * hard-linked into place, so it is never seen half-written and two starters cannot both create it.
 *
 * Stale locks: a lock whose holder ran on this host and no longer exists (a `kill -9`, a crash) is
 * taken over silently. A lock from another host (a shared volume) is never taken over, because its
 * process cannot be checked from here: the operator removes the file once that gateway is gone. After a
 * reboot a recycled pid can make a stale lock look held; the message says so and names the file.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { STATE_LOCK_FILE } from '../constants.js';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
}

export class StateDirectoryLockedError extends Error {
  override readonly name = 'StateDirectoryLockedError';
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `gateway pid ${holder.pid} on ${holder.host}, started ${holder.started_at}`
      : 'another gateway process';
    super(
      `state directory is in use by ${who} (lock file ${lockFile}). One gateway process owns a state ` +
        'directory: stop that process, start this one with another --dir, or use PostgreSQL ' +
        `(--database-url) for several processes. If that process is gone, delete ${lockFile}.`,
    );
  }
}

export interface StateLock {
  readonly file: string;
  /** Removes the lock file if this process still holds it. Idempotent. */
  release(): void;
}

export function lockStateDirectory(dir: string, now: () => Date = () => new Date()): StateLock {
  const file = join(dir, STATE_LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), started_at: now().toISOString() };
  const candidate = `${file}.${process.pid}.tmp`;
  writeFileSync(candidate, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(candidate, file);
        return heldLock(file, me);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder === null || holder.host !== me.host || isAlive(holder.pid)) {
        throw new StateDirectoryLockedError(file, holder);
      }
      // Its process is gone (e.g. killed with -9): take the lock over.
      try {
        unlinkSync(file);
      } catch {
        // Someone else took it over first; the next link attempt tells.
      }
    }
  } finally {
    try {
      unlinkSync(candidate);
    } catch {
      // Already gone.
    }
  }
  throw new StateDirectoryLockedError(file, readHolder(file));
}

function heldLock(file: string, me: LockHolder): StateLock {
  let held = true;
  return {
    file,
    release() {
      if (!held) return;
      held = false;
      const holder = readHolder(file);
      if (holder && holder.pid === me.pid && holder.started_at === me.started_at) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    },
  };
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (!Number.isSafeInteger(parsed.pid) || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid as number,
      host: parsed.host,
      started_at: typeof parsed.started_at === 'string' ? parsed.started_at : 'at an unknown time',
    };
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
