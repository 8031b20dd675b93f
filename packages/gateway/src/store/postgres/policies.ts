/** Tenant policies in PostgreSQL: one row per tenant, replaced by `PUT /policy`. */
import type { AppendInput, LedgerStore } from '../../ledger/index.js';
import type { PolicyDocument, PolicyStore } from '../types.js';
import type { Pool } from './pool.js';
import { withRecordedChange } from './shared-transaction.js';

export class PostgresPolicyStore implements PolicyStore {
  constructor(private readonly pool: Pool) {}

  async get(tenantId: string): Promise<PolicyDocument | undefined> {
    const { rows } = await this.pool.query<{ document: string }>(
      'SELECT document FROM actpass_policies WHERE tenant_id = $1',
      [tenantId],
    );
    return rows[0] && (JSON.parse(rows[0].document) as PolicyDocument);
  }

  async put(tenantId: string, document: PolicyDocument): Promise<void> {
    await this.pool.query(
      `INSERT INTO actpass_policies (tenant_id, document) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET document = excluded.document`,
      [tenantId, JSON.stringify(document)],
    );
  }

  /**
   * The starter policy, once: the INSERT does nothing when a policy exists (a concurrent inserter
   * waits on the key, then does nothing), and only the process whose row went in writes the event.
   */
  async createRecorded(
    tenantId: string,
    document: PolicyDocument,
    ledger: LedgerStore,
    event: AppendInput,
  ): Promise<PolicyDocument | null> {
    return withRecordedChange(this.pool, ledger, tenantId, async (client, append) => {
      const inserted = await client.query(
        'INSERT INTO actpass_policies (tenant_id, document) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING',
        [tenantId, JSON.stringify(document)],
      );
      if (inserted.rowCount === 1) {
        await append(event);
        return document;
      }
      const { rows } = await client.query<{ document: string }>(
        'SELECT document FROM actpass_policies WHERE tenant_id = $1',
        [tenantId],
      );
      if (!rows[0]) throw new Error(`policy of ${tenantId} vanished while seeding`);
      return JSON.parse(rows[0].document) as PolicyDocument;
    });
  }
}
