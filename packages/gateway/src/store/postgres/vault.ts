/**
 * Credential envelopes in PostgreSQL, one row per (tenant, name). Only envelopes reach this table:
 * the plaintext and the key-encryption key never leave the gateway process.
 */
import type { VaultRecord, VaultStore } from '../../vault/store.js';
import type { Pool } from './pool.js';

export class PostgresVaultStore implements VaultStore {
  constructor(private readonly pool: Pool) {}

  async get(tenantId: string, name: string): Promise<VaultRecord | null> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM actpass_vault WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    return rows[0] ? (JSON.parse(rows[0].record) as VaultRecord) : null;
  }

  async put(record: VaultRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO actpass_vault (tenant_id, name, record) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, name) DO UPDATE SET record = excluded.record`,
      [record.tenant_id, record.name, JSON.stringify(record)],
    );
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM actpass_vault WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    return rowCount === 1;
  }

  async list(tenantId: string): Promise<VaultRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM actpass_vault WHERE tenant_id = $1',
      [tenantId],
    );
    // Sorted here, by UTF-16 code units like the memory store, not by the database's collation.
    return rows
      .map((row) => JSON.parse(row.record) as VaultRecord)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
