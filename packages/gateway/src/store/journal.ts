/**
 * An append-only JSON-lines journal: the file stores keep their state in memory and write every change
 * here before acknowledging it, then rebuild the state by replaying the journal on start.
 *
 * A line is acknowledged only after `datasync`, so an acknowledged change survives a crash. A torn last
 * line (a crash mid-write) was never acknowledged and is skipped on load; a bad line anywhere else
 * means the file was edited by hand and loading stops, naming the file and line.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError';
}

export class Journal {
  #handle: Promise<import('node:fs/promises').FileHandle> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

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
    return entries;
  }

  /** Appends one entry durably. Appends are serialized, so lines never interleave. */
  append(entry: unknown): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const write = this.#tail.then(async () => {
      const handle = await this.#open();
      await handle.write(line);
      await handle.datasync();
    });
    this.#tail = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.#tail;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }

  #open(): Promise<import('node:fs/promises').FileHandle> {
    this.#handle ??= mkdir(dirname(this.file), { recursive: true }).then(() => open(this.file, 'a', 0o600));
    return this.#handle;
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
