/**
 * Suspensions in memory and in a journal file (one process, like the other file stores). A journal
 * line is a suspension's whole record after a change; replay keeps the last line per id.
 */
import { Journal, LoadOnce } from './journal.js';
import { tenantKey } from './memory.js';
import type { SuspensionRecord, SuspensionStore } from './types.js';

export class MemorySuspensionStore implements SuspensionStore {
  protected readonly records = new Map<string, SuspensionRecord>();
  /** Creation order across tenants, for newest-first listing. */
  protected readonly order: string[] = [];

  async create(record: SuspensionRecord): Promise<void> {
    const key = tenantKey(record.tenant_id, record.id);
    if (!this.records.has(key)) this.order.push(key);
    this.records.set(key, structuredClone(record));
  }

  async get(tenantId: string, id: string): Promise<SuspensionRecord | undefined> {
    const record = this.records.get(tenantKey(tenantId, id));
    return record && structuredClone(record);
  }

  async list(tenantId: string, limit: number): Promise<SuspensionRecord[]> {
    const found: SuspensionRecord[] = [];
    for (let i = this.order.length - 1; i >= 0 && found.length < limit; i--) {
      const record = this.records.get(this.order[i] as string);
      if (record?.tenant_id === tenantId) found.push(structuredClone(record));
    }
    return found;
  }

  async active(tenantId: string, nowMs: number): Promise<SuspensionRecord[]> {
    const found: SuspensionRecord[] = [];
    for (const record of this.records.values()) {
      if (record.tenant_id !== tenantId || record.resumed_at !== undefined) continue;
      if (record.until !== undefined && Date.parse(record.until) <= nowMs) continue;
      found.push(structuredClone(record));
    }
    return found;
  }

  async resume(
    tenantId: string,
    id: string,
    resumed: { resumed_at: string; resumed_by: string },
  ): Promise<SuspensionRecord | undefined> {
    const record = this.records.get(tenantKey(tenantId, id));
    if (!record || record.resumed_at !== undefined) return undefined;
    const next = { ...record, ...resumed };
    this.records.set(tenantKey(tenantId, id), next);
    return structuredClone(next);
  }
}

export class FileSuspensionStore extends MemorySuspensionStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string) {
    super();
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as SuspensionRecord[]) await super.create(entry);
    });
  }

  /** Flushes and closes the journal (the gateway's close() calls it). */
  close(): Promise<void> {
    return this.#journal.close();
  }

  override async create(record: SuspensionRecord): Promise<void> {
    await this.#loaded.ready();
    // Written first: a suspension that is not on disk was never made.
    await this.#journal.append(record);
    await super.create(record);
  }

  override async get(tenantId: string, id: string): Promise<SuspensionRecord | undefined> {
    await this.#loaded.ready();
    return super.get(tenantId, id);
  }

  override async list(tenantId: string, limit: number): Promise<SuspensionRecord[]> {
    await this.#loaded.ready();
    return super.list(tenantId, limit);
  }

  override async active(tenantId: string, nowMs: number): Promise<SuspensionRecord[]> {
    await this.#loaded.ready();
    return super.active(tenantId, nowMs);
  }

  override async resume(
    tenantId: string,
    id: string,
    resumed: { resumed_at: string; resumed_by: string },
  ): Promise<SuspensionRecord | undefined> {
    await this.#loaded.ready();
    const current = await super.get(tenantId, id);
    if (!current || current.resumed_at !== undefined) return undefined;
    const next = { ...current, ...resumed };
    await this.#journal.append(next);
    return super.resume(tenantId, id, resumed);
  }
}
