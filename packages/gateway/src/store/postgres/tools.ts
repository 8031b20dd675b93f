/** Approved tool definitions in PostgreSQL: one row per (tenant, tool name), replaced on re-approval. */
import type { ApprovedTool, ToolStore } from '../types.js';
import type { Pool } from './pool.js';

export class PostgresToolStore implements ToolStore {
  constructor(private readonly pool: Pool) {}

  async put(tenantId: string, tool: ApprovedTool): Promise<void> {
    await this.pool.query(
      `INSERT INTO actpass_tools (tenant_id, name, record) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, name) DO UPDATE SET record = excluded.record`,
      [tenantId, tool.name, JSON.stringify(tool)],
    );
  }

  async get(tenantId: string, name: string): Promise<ApprovedTool | undefined> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM actpass_tools WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    return rows[0] && (JSON.parse(rows[0].record) as ApprovedTool);
  }

  async list(tenantId: string): Promise<ApprovedTool[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM actpass_tools WHERE tenant_id = $1',
      [tenantId],
    );
    // Sorted here, by UTF-16 code units like the other stores, not by the database's collation.
    return rows
      .map((row) => JSON.parse(row.record) as ApprovedTool)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
