/**
 * Append-only JSON Lines ledger: one file per tenant, one event per line, each line the event's JSON.
 *
 * Durability: `append` resolves only after its line is written and `fdatasync`ed, so an acknowledged
 * event survives `kill -9` and power loss (to the extent the disk honours flushes). A crash mid-write
 * can leave a partial last line. That torn tail is REPORTED on open (`LedgerCorruptError`, kind
 * `torn_tail`, naming file and line), never dropped silently: it can only be an unacknowledged event,
 * but only an operator should decide so, by calling `repairTornTail()`, which moves the bytes to
 * `<file>.torn` and truncates the file to its last complete line.
 *
 * On first use of a tenant the whole file is read and its chain verified; events are then served from
 * memory. One gateway process owns a directory: appends are serialized per tenant in-process only, and
 * a lock file (lock.ts) refuses a second live process. Several processes need the PostgreSQL store.
 */
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../crypto/index.js';
import { LedgerCorruptError } from './errors.js';
import {
  type AppendInput,
  deepFreeze,
  type LedgerEvent,
  type LedgerHead,
  newEventId,
  nextEvent,
} from './event.js';
import { type DirectoryLock, lockDirectory } from './lock.js';
import { KeyedQueue } from './queue.js';
import { headOf, type LedgerStore, type LedgerStoreOptions, type ListOptions, listWindow } from './store.js';
import { ChainVerifier } from './verify.js';

interface TenantFile {
  file: string;
  handle: FileHandle;
  events: LedgerEvent[];
  /** The same events by id, for `find`. */
  byId: Map<string, LedgerEvent>;
  /** Set when a write may have left the file in an unknown state; every later append fails with it. */
  failed?: LedgerCorruptError;
}

export interface FileLedgerStoreOptions extends LedgerStoreOptions {
  /**
   * Take the directory lock (default true); see lock.ts for what it does and does not guarantee. A
   * lock the caller already holds (the gateway's state-directory lock) stands in for it until `close()`
   * releases it.
   */
  lock?: boolean | { release(): void };
}

interface PendingAppend {
  input: AppendInput;
  resolve: (event: LedgerEvent) => void;
  reject: (error: unknown) => void;
}

export interface TornTailRepair {
  torn_path: string;
  moved_bytes: number;
}

const NEWLINE = 0x0a;
const READABLE_TENANT = /^[a-z0-9_-]{1,128}$/;
const MAX_HEX_NAME_CHARS = 200;

export class FileLedgerStore implements LedgerStore {
  readonly #queue = new KeyedQueue();
  readonly #tenants = new Map<string, Promise<TenantFile>>();
  readonly #pending = new Map<string, PendingAppend[]>();
  readonly #clock: () => Date;
  readonly #newId: () => string;
  readonly #useLock: boolean;
  #lock: Promise<DirectoryLock> | null = null;
  #heldLock: { release(): void } | null;

  constructor(
    readonly directory: string,
    options: FileLedgerStoreOptions = {},
  ) {
    this.#clock = options.clock ?? (() => new Date());
    this.#newId = options.newId ?? newEventId;
    this.#useLock = options.lock !== false;
    this.#heldLock = typeof options.lock === 'object' ? options.lock : null;
  }

  /**
   * File for a tenant. Ids that are already safe, lower-case names are used as-is (readable, and safe on
   * case-insensitive file systems); others are hex-encoded behind `x.`, or, when that would exceed file
   * name limits, named by their SHA-256 behind `h.`. Readable names cannot contain a dot, so the forms
   * never collide.
   */
  fileFor(tenantId: string): string {
    const hex = Buffer.from(tenantId, 'utf8').toString('hex');
    const base = READABLE_TENANT.test(tenantId)
      ? tenantId
      : hex.length <= MAX_HEX_NAME_CHARS
        ? `x.${hex}`
        : `h.${sha256Hex(tenantId)}`;
    return path.join(this.directory, `${base}.jsonl`);
  }

  /**
   * Appends are group-committed: every append that arrives while a write is in flight joins the next
   * batch, and the whole batch is written with one `write` and made durable with one `fdatasync`, so
   * concurrent appends cost one flush, not one each. Nothing resolves before its batch is durable.
   */
  append(tenantId: string, input: AppendInput): Promise<LedgerEvent> {
    return new Promise((resolve, reject) => {
      let batch = this.#pending.get(tenantId);
      if (!batch) {
        batch = [];
        this.#pending.set(tenantId, batch);
        void this.#queue.run(tenantId, () => this.#commit(tenantId));
      }
      batch.push({ input, resolve, reject });
    });
  }

  /**
   * Whatever goes wrong, every append of the batch is answered: an error nobody expected (a bug, a
   * runtime limit) rejects each append still waiting rather than leaving its caller hanging.
   */
  async #commit(tenantId: string): Promise<void> {
    const batch = this.#pending.get(tenantId) ?? [];
    // Appends arriving from now on start the next batch, queued behind this one.
    this.#pending.delete(tenantId);
    const settled = new Set<PendingAppend>();
    const answer = (append: PendingAppend, outcome: { event: LedgerEvent } | { error: unknown }): void => {
      if (settled.has(append)) return;
      settled.add(append);
      if ('event' in outcome) append.resolve(outcome.event);
      else append.reject(outcome.error);
    };
    try {
      await this.#write(tenantId, batch, answer);
    } catch (error) {
      for (const append of batch) answer(append, { error });
    }
  }

  async #write(
    tenantId: string,
    batch: readonly PendingAppend[],
    answer: (append: PendingAppend, outcome: { event: LedgerEvent } | { error: unknown }) => void,
  ): Promise<void> {
    let tenant: TenantFile;
    try {
      tenant = await this.#open(tenantId);
      if (tenant.failed) throw tenant.failed;
    } catch (error) {
      for (const append of batch) answer(append, { error });
      return;
    }
    let head = headOf(tenant.events);
    const accepted: Array<{ event: LedgerEvent; append: PendingAppend; line: string }> = [];
    for (const append of batch) {
      try {
        const event = nextEvent(tenantId, append.input, head, this.#clock().toISOString(), this.#newId());
        // Serialised here, per event: content that cannot be written fails alone, before its seq is taken.
        const line = `${JSON.stringify(event)}\n`;
        accepted.push({ event, append, line });
        head = { seq: event.seq, hash: event.hash };
      } catch (error) {
        answer(append, { error }); // invalid input fails alone; the rest of the batch goes on
      }
    }
    if (accepted.length === 0) return;
    const bytes = Buffer.from(accepted.map(({ line }) => line).join(''), 'utf8');
    try {
      let written = 0;
      while (written < bytes.byteLength) {
        written += (await tenant.handle.write(bytes, written, bytes.byteLength - written)).bytesWritten;
      }
      await tenant.handle.datasync();
    } catch (error) {
      // The file may now hold part of the batch: refuse further appends until an operator reopens.
      tenant.failed = new LedgerCorruptError(
        'write_failed',
        tenant.file,
        tenant.events.length + 1,
        `append failed (${(error as Error).message}); reopen the store to re-verify the file`,
      );
      for (const { append } of accepted) answer(append, { error: tenant.failed });
      return;
    }
    for (const { event, append } of accepted) {
      tenant.events.push(event);
      tenant.byId.set(event.id, event);
      answer(append, { event });
    }
  }

  async list(tenantId: string, options?: ListOptions): Promise<LedgerEvent[]> {
    return listWindow((await this.#open(tenantId)).events, options);
  }

  async head(tenantId: string): Promise<LedgerHead> {
    return headOf((await this.#open(tenantId)).events);
  }

  async find(tenantId: string, id: string): Promise<LedgerEvent | null> {
    return (await this.#open(tenantId)).byId.get(id) ?? null;
  }

  async *events(tenantId: string): AsyncIterable<LedgerEvent> {
    yield* [...(await this.#open(tenantId)).events];
  }

  /**
   * Operator action after a crash: moves a torn last line (bytes after the final newline) to
   * `<file>.torn` and truncates the file to its last complete line. Resolves null when there is
   * nothing torn. The tenant is re-read and re-verified on next use, so any other damage still surfaces.
   */
  repairTornTail(tenantId: string): Promise<TornTailRepair | null> {
    return this.#queue.run(tenantId, async () => {
      await this.#forget(tenantId);
      await this.#ensureLocked();
      const file = this.fileFor(tenantId);
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return Buffer.alloc(0);
        throw error;
      });
      const keep = bytes.lastIndexOf(NEWLINE) + 1;
      if (keep === bytes.byteLength) return null;
      const tornPath = `${file}.torn`;
      const torn = await open(tornPath, 'a');
      try {
        await torn.write(bytes.subarray(keep));
        await torn.sync();
      } finally {
        await torn.close();
      }
      const ledger = await open(file, 'r+');
      try {
        await ledger.truncate(keep);
        await ledger.sync();
      } finally {
        await ledger.close();
      }
      return { torn_path: tornPath, moved_bytes: bytes.byteLength - keep };
    });
  }

  /** Closes every open file and releases the directory lock; later calls reopen (and re-verify) lazily. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#tenants.keys()].map((tenantId) => this.#queue.run(tenantId, () => this.#forget(tenantId))),
    );
    const lock = this.#lock;
    this.#lock = null;
    await (await lock?.catch(() => undefined))?.release();
    this.#heldLock?.release();
    this.#heldLock = null;
  }

  #ensureLocked(): Promise<unknown> {
    if (!this.#useLock) return Promise.resolve();
    if (this.#heldLock) return mkdir(this.directory, { recursive: true });
    if (!this.#lock) {
      const pending = mkdir(this.directory, { recursive: true }).then(() => lockDirectory(this.directory));
      this.#lock = pending;
      // A refused lock is not cached: the other process may exit and a later call may succeed.
      pending.catch(() => {
        if (this.#lock === pending) this.#lock = null;
      });
    }
    return this.#lock;
  }

  async #forget(tenantId: string): Promise<void> {
    const pending = this.#tenants.get(tenantId);
    this.#tenants.delete(tenantId);
    const tenant = await pending?.catch(() => undefined);
    await tenant?.handle.close();
  }

  #open(tenantId: string): Promise<TenantFile> {
    let pending = this.#tenants.get(tenantId);
    if (!pending) {
      // A corrupt file stays cached: every caller sees the same report until an operator repairs it.
      // Other failures (lock held, I/O) are retried on the next call.
      const loading = this.#load(tenantId);
      loading.catch((error: unknown) => {
        if (!(error instanceof LedgerCorruptError) && this.#tenants.get(tenantId) === loading) {
          this.#tenants.delete(tenantId);
        }
      });
      pending = loading;
      this.#tenants.set(tenantId, pending);
    }
    return pending;
  }

  async #load(tenantId: string): Promise<TenantFile> {
    const file = this.fileFor(tenantId);
    await this.#ensureLocked();
    const existed = await readFile(file).then(
      (bytes) => bytes,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      },
    );
    const events = existed ? parseLedgerFile(file, existed, tenantId) : [];
    const handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
    // A new file's directory entry must be durable too, or the first acknowledged event could vanish.
    if (!existed) await syncDirectory(this.directory);
    return { file, handle, events, byId: new Map(events.map((event) => [event.id, event])) };
  }
}

/** Parses and verifies a whole ledger file; throws `LedgerCorruptError` at the first problem. */
export function parseLedgerFile(file: string, bytes: Buffer, tenantId: string): LedgerEvent[] {
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  const lines =
    end === 0
      ? []
      : bytes
          .subarray(0, end - 1)
          .toString('utf8')
          .split('\n');
  if (end < bytes.byteLength) {
    throw new LedgerCorruptError(
      'torn_tail',
      file,
      lines.length + 1,
      `last line is incomplete (${bytes.byteLength - end} bytes after the final newline); ` +
        'run repairTornTail() to move it aside after checking it is not an acknowledged event',
    );
  }
  const verifier = new ChainVerifier({ tenantId });
  const events: LedgerEvent[] = [];
  lines.forEach((line, index) => {
    let event: LedgerEvent;
    try {
      event = JSON.parse(line) as LedgerEvent;
    } catch {
      throw new LedgerCorruptError('bad_line', file, index + 1, 'line is not JSON');
    }
    // Lines are written as JSON.stringify(event); anything else (an edit that still parses to the
    // same values, such as another spelling of the same number) means the file was touched.
    if (JSON.stringify(event) !== line) {
      throw new LedgerCorruptError('bad_line', file, index + 1, 'line is not byte for byte what was written');
    }
    const broken = verifier.pushStored(event, line);
    if (broken) {
      throw new LedgerCorruptError('broken_chain', file, index + 1, `${broken.reason}: ${broken.message}`);
    }
    events.push(deepFreeze(event));
  });
  return events;
}

async function syncDirectory(directory: string): Promise<void> {
  // Windows cannot open a directory for flushing; NTFS journals the entry itself.
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
