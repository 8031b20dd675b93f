/**
 * Suspensions in PostgreSQL: one row per suspension. Every process reads the tenant's active rows
 * (a short poll, see suspensions/service.ts), so a row committed here is in force on all of them.
 */
import type { SuspensionRecord, SuspensionStore } from '../types.js';
import { type Pool, withTransaction } from './pool.js';

export class PostgresSuspensionStore implements SuspensionStore {
  constructor(private readonly pool: Pool) {}

  async create(record: SuspensionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO actpass_suspensions (tenant_id, id, until_ms, resumed, record)
       VALUES ($1, $2, $3, false, $4)`,
      [
        record.tenant_id,
        record.id,
        record.until === undefined ? null : Date.parse(record.until),
        JSON.stringify(record),
      ],
    );
  }

  async get(tenantId: string, id: string): Promise<SuspensionRecord | undefined> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM actpass_suspensions WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return rows[0] && (JSON.parse(rows[0].record) as SuspensionRecord);
  }

  async list(tenantId: string, limit: number): Promise<SuspensionRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM actpass_suspensions WHERE tenant_id = $1 ORDER BY position DESC LIMIT $2',
      [tenantId, limit],
    );
    return rows.map((row) => JSON.parse(row.record) as SuspensionRecord);
  }

  async active(tenantId: string, nowMs: number): Promise<SuspensionRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      `SELECT record FROM actpass_suspensions
       WHERE tenant_id = $1 AND NOT resumed AND (until_ms IS NULL OR until_ms > $2)`,
      [tenantId, nowMs],
    );
    return rows.map((row) => JSON.parse(row.record) as SuspensionRecord);
  }

  async resume(
    tenantId: string,
    id: string,
    resumed: { resumed_at: string; resumed_by: string },
  ): Promise<SuspensionRecord | undefined> {
    // Row-locked read, then write, in one transaction: two admins resuming at once get one winner.
    // (The record stays text, never jsonb: ids may hold characters jsonb refuses, such as U+0000.)
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ record: string }>(
        'SELECT record FROM actpass_suspensions WHERE tenant_id = $1 AND id = $2 AND NOT resumed FOR UPDATE',
        [tenantId, id],
      );
      if (!rows[0]) return undefined;
      const next: SuspensionRecord = { ...(JSON.parse(rows[0].record) as SuspensionRecord), ...resumed };
      await client.query(
        'UPDATE actpass_suspensions SET resumed = true, record = $3 WHERE tenant_id = $1 AND id = $2',
        [tenantId, id, JSON.stringify(next)],
      );
      return next;
    });
  }
}
