/** Tenant policies in PostgreSQL: one row per tenant, replaced by `PUT /policy`. */
import type { PolicyDocument, PolicyStore } from '../types.js';
import type { Pool } from './pool.js';

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
}
