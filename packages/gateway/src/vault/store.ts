/**
 * Storage for encrypted credentials. Async so a PostgreSQL table keyed by (tenant_id, name) is a peer.
 * A store only ever sees envelopes; it never holds a plaintext or a key.
 */
import type { VaultEnvelope } from './envelope.js';

/** `sdk`: leased to the agent on allow; `proxy`: only ever injected upstream by the enforcing proxy. */
export type CredentialDelivery = 'sdk' | 'proxy';

export interface CredentialMetadata {
  name: string;
  bound_tools: string[];
  /** Absent on records stored before delivery modes existed, which read as `sdk`. */
  delivery?: CredentialDelivery;
  version: number;
  created_at: string;
  updated_at: string;
  lease_ttl_seconds: number;
}

export interface VaultRecord extends CredentialMetadata {
  tenant_id: string;
  envelope: VaultEnvelope;
}

export interface VaultStore {
  get(tenantId: string, name: string): Promise<VaultRecord | null>;
  /** Inserts or replaces the record for (tenant_id, name). */
  put(record: VaultRecord): Promise<void>;
  /** Resolves whether a record was removed. */
  delete(tenantId: string, name: string): Promise<boolean>;
  /** Records of one tenant, ordered by name. */
  list(tenantId: string): Promise<VaultRecord[]>;
}

export class MemoryVaultStore implements VaultStore {
  readonly #tenants = new Map<string, Map<string, VaultRecord>>();

  async get(tenantId: string, name: string): Promise<VaultRecord | null> {
    return structuredClone(this.#tenants.get(tenantId)?.get(name) ?? null);
  }

  async put(record: VaultRecord): Promise<void> {
    let records = this.#tenants.get(record.tenant_id);
    if (!records) {
      records = new Map();
      this.#tenants.set(record.tenant_id, records);
    }
    records.set(record.name, structuredClone(record));
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    return this.#tenants.get(tenantId)?.delete(name) ?? false;
  }

  async list(tenantId: string): Promise<VaultRecord[]> {
    const records = [...(this.#tenants.get(tenantId)?.values() ?? [])];
    return structuredClone(records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
}
