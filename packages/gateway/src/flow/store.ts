/**
 * Session labels are kept by the gateway, never by the agent: an in-memory store (tests, one process),
 * a journal file (the embedded default) and PostgreSQL (several processes; store/postgres). Each
 * session holds at most one record per label, so a session is bounded by the label set; sessions
 * expire a fixed time after their first label, and the memory store keeps a bounded number of them.
 */
import { Journal, LoadOnce } from '../store/journal.js';
import type { SessionKey, SessionLabel } from './labels.js';

export interface SessionLabelStore {
  /** The labels a session carries now, oldest first; expired sessions carry none. */
  labels(key: SessionKey, nowMs: number): Promise<SessionLabel[]>;
  /**
   * Adds `label` unless the session already carries it (insert-if-absent, also across processes);
   * resolves true when this call added it. A session's expiry is set by its first label.
   */
  add(key: SessionKey, label: SessionLabel, expiresAtMs: number): Promise<boolean>;
}

interface SessionEntry {
  labels: SessionLabel[];
  expiresAtMs: number;
}

export class MemorySessionLabelStore implements SessionLabelStore {
  readonly #sessions = new Map<string, SessionEntry>();

  constructor(
    private readonly maxSessions: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async labels(key: SessionKey, nowMs: number): Promise<SessionLabel[]> {
    const entry = this.#sessions.get(mapKey(key));
    if (!entry || entry.expiresAtMs <= nowMs) return [];
    return entry.labels.map((label) => ({ ...label }));
  }

  async add(key: SessionKey, label: SessionLabel, expiresAtMs: number): Promise<boolean> {
    return this.apply(mapKey(key), label, expiresAtMs);
  }

  /** Applies one label; shared with the file store's replay. */
  protected apply(id: string, label: SessionLabel, expiresAtMs: number): boolean {
    let entry = this.#sessions.get(id);
    if (entry && entry.expiresAtMs <= this.nowMs()) {
      this.#sessions.delete(id);
      entry = undefined;
    }
    if (!entry) {
      this.#evictIfFull();
      entry = { labels: [], expiresAtMs };
      this.#sessions.set(id, entry);
    }
    if (entry.labels.some((held) => held.label === label.label)) return false;
    entry.labels.push({ ...label });
    return true;
  }

  protected has(id: string, label: string): boolean {
    const entry = this.#sessions.get(id);
    return (
      entry !== undefined && entry.expiresAtMs > this.nowMs() && entry.labels.some((l) => l.label === label)
    );
  }

  #evictIfFull(): void {
    if (this.#sessions.size < this.maxSessions) return;
    const now = this.nowMs();
    for (const [id, entry] of this.#sessions) if (entry.expiresAtMs <= now) this.#sessions.delete(id);
    // Still full: the oldest session goes (insertion order), as it would have expired first.
    while (this.#sessions.size >= this.maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
  }
}

interface JournalEntry {
  session: string;
  label: SessionLabel;
  expires_at_ms: number;
}

/** The memory store, with every added label written to a journal first and replayed on start. */
export class FileSessionLabelStore extends MemorySessionLabelStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;
  /** Adds run one at a time, so two racing adds of one label write one line. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: string, maxSessions: number, nowMs: () => number = Date.now) {
    super(maxSessions, nowMs);
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as JournalEntry[])
        this.apply(entry.session, entry.label, entry.expires_at_ms);
    });
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  override async labels(key: SessionKey, nowMs: number): Promise<SessionLabel[]> {
    await this.#loaded.ready();
    return super.labels(key, nowMs);
  }

  override async add(key: SessionKey, label: SessionLabel, expiresAtMs: number): Promise<boolean> {
    await this.#loaded.ready();
    const run = this.#queue.then(async () => {
      const id = mapKey(key);
      if (this.has(id, label.label)) return false;
      // Written before it is applied: a label the journal lost was never acknowledged.
      await this.#journal.append({ session: id, label, expires_at_ms: expiresAtMs } satisfies JournalEntry);
      return this.apply(id, label, expiresAtMs);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** Unambiguous: JSON of the three parts, so no id can be made to collide with another by its separators. */
export function mapKey(key: SessionKey): string {
  return JSON.stringify([key.tenantId, key.keyId, key.sessionId]);
}
