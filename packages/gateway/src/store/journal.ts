/**
 * An append-only JSON-lines journal: the file stores keep their state in memory and write every change
 * here before acknowledging it, then rebuild the state by replaying the journal on start.
 *
 * A line is acknowledged only after `datasync` (one per batch of concurrent appends), so an
 * acknowledged change survives a crash. A torn last line (a crash mid-write) was never acknowledged and
 * is skipped on load; a bad line anywhere else means the file was edited by hand and loading stops,
 * naming the file and line.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError';
}

interface PendingLine {
  line: string;
  /** false: written with its batch but not worth a `datasync` of its own (see `append`). */
  durable: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class Journal {
  #handle: Promise<import('node:fs/promises').FileHandle> | undefined;
  /** Lines waiting for the next write; appends arriving while one is in flight join the next batch. */
  #pending: PendingLine[] = [];
  #flushing: Promise<void> | undefined;
  /** How the first append must repair a crash-cut last line that `readAll` found. */
  #tailRepair: { kind: 'newline' } | { kind: 'truncate'; at: number } | undefined;

  constructor(readonly file: string) {}

  async readAll(): Promise<unknown[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    const entries: unknown[] = [];
    lines.forEach((line, index) => {
      if (line === '') return;
      try {
        entries.push(JSON.parse(line));
      } catch {
        const isTornTail = index === lines.length - 1;
        if (!isTornTail) throw new JournalCorruptError(`${this.file}, line ${index + 1}: not JSON`);
      }
    });
    // A last line without its newline was cut by a crash. Appending straight after it would glue the
    // next line to it and corrupt the file, so the first append first repairs the tail: an unreadable
    // fragment (never acknowledged) is cut off, a complete line gets its newline.
    const tail = lines[lines.length - 1] as string;
    if (tail !== '') {
      const kept = isJson(tail);
      this.#tailRepair = kept
        ? { kind: 'newline' }
        : { kind: 'truncate', at: Buffer.byteLength(text) - Buffer.byteLength(tail) };
    }
    return entries;
  }

  /**
   * Appends one entry durably. Group commit: every append that arrives while a write is in flight goes
   * into the next one, written with one `write` and made durable with one `datasync`, so concurrent
   * appends cost one flush between them rather than one each. Lines never interleave, and nothing
   * resolves before its batch is durable.
   */
  append(entry: unknown, options: { durable?: boolean } = {}): Promise<void> {
    let line: string;
    try {
      line = `${JSON.stringify(entry)}\n`;
    } catch (error) {
      return Promise.reject(error);
    }
    // `durable: false` is for lines whose loss a crash may cause without harm (a stored answer the
    // ledger already witnesses): the batch is written in order but `datasync`ed only when some line in
    // it must be, so such a line is on disk after the next durable batch, or lost at the tail (which
    // loading skips) if the process dies first.
    const durable = options.durable !== false;
    return new Promise((resolve, reject) => {
      this.#pending.push({ line, durable, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /**
   * Replaces the whole file with `entries`, atomically: a temporary file is written and made durable,
   * then renamed over this one and the directory entry made durable, so a crash leaves either the old
   * file or the new one. Only before the first append (the stores call it while loading).
   */
  async rewrite(entries: unknown[]): Promise<void> {
    if (this.#handle || this.#pending.length > 0) {
      throw new Error(`${this.file}: a journal can only be rewritten before anything is appended`);
    }
    const temporary = `${this.file}.rewrite-${process.pid}`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
    this.#tailRepair = undefined;
    const directory = await open(dirname(this.file), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  async close(): Promise<void> {
    await this.#flushing;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        const handle = await this.#open();
        const bytes = Buffer.from(batch.map((pending) => pending.line).join(''), 'utf8');
        let written = 0;
        while (written < bytes.byteLength) {
          written += (await handle.write(bytes, written, bytes.byteLength - written)).bytesWritten;
        }
        if (batch.some((pending) => pending.durable)) await handle.datasync();
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.#flushing = undefined;
  }

  #open(): Promise<import('node:fs/promises').FileHandle> {
    this.#handle ??= mkdir(dirname(this.file), { recursive: true }).then(async () => {
      const handle = await open(this.file, 'a', 0o600);
      const repair = this.#tailRepair;
      this.#tailRepair = undefined;
      if (repair?.kind === 'truncate') await handle.truncate(repair.at);
      if (repair?.kind === 'newline') await handle.write('\n');
      return handle;
    });
    return this.#handle;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Runs `load` once, on first use; every store method awaits it before touching state. */
export class LoadOnce {
  #loading: Promise<void> | undefined;

  constructor(private readonly load: () => Promise<void>) {}

  ready(): Promise<void> {
    this.#loading ??= this.load();
    return this.#loading;
  }
}
