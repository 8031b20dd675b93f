/**
 * A file-backed `VaultStore` (the vault folder ships only the memory one). It holds envelopes only:
 * ciphertexts and wrapped data keys, never a plaintext or the key-encryption key.
 */
import { MemoryVaultStore, type VaultRecord, type VaultStore } from '../vault/index.js';
import { Journal, LoadOnce } from './journal.js';

type VaultEntry = { op: 'put'; record: VaultRecord } | { op: 'delete'; tenant_id: string; name: string };

export class FileVaultStore implements VaultStore {
  readonly #memory = new MemoryVaultStore();
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string) {
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as VaultEntry[]) {
        if (entry.op === 'put') await this.#memory.put(entry.record);
        else await this.#memory.delete(entry.tenant_id, entry.name);
      }
    });
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  async get(tenantId: string, name: string): Promise<VaultRecord | null> {
    await this.#loaded.ready();
    return this.#memory.get(tenantId, name);
  }

  async put(record: VaultRecord): Promise<void> {
    await this.#loaded.ready();
    await this.#journal.append({ op: 'put', record } satisfies VaultEntry);
    await this.#memory.put(record);
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    await this.#loaded.ready();
    if (!(await this.#memory.get(tenantId, name))) return false;
    await this.#journal.append({ op: 'delete', tenant_id: tenantId, name } satisfies VaultEntry);
    return this.#memory.delete(tenantId, name);
  }

  async list(tenantId: string): Promise<VaultRecord[]> {
    await this.#loaded.ready();
    return this.#memory.list(tenantId);
  }
}
