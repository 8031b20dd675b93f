/**
 * Approval requests in PostgreSQL. `transition` is a compare-and-set: the UPDATE only matches while
 * the row still has the expected status (and the version that was read), so when two approvers, or
 * two re-runs spending one approval, race across processes, exactly one of them gets the record back.
 */

import { RACE_RETRY_ATTEMPTS } from '../../constants.js';
import type { AppendInput, LedgerStore } from '../../ledger/index.js';
import { StoreUnavailableError } from '../errors.js';
import type { ApprovalListOptions, ApprovalRecord, ApprovalStatus, ApprovalStore } from '../types.js';
import type { Pool } from './pool.js';
import { withRecordedChange } from './shared-transaction.js';

interface Row {
  status: ApprovalStatus;
  version: number;
  record: string;
}

export class PostgresApprovalStore implements ApprovalStore {
  constructor(private readonly pool: Pool) {}

  async create(record: ApprovalRecord): Promise<void> {
    // Re-creating an id replaces the record, as the memory store does; ids are random, so it never happens.
    await this.pool.query(
      `INSERT INTO actpass_approvals (tenant_id, id, status, record) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, id) DO UPDATE
         SET status = excluded.status, record = excluded.record, version = actpass_approvals.version + 1`,
      [record.tenant_id, record.id, record.status, JSON.stringify(record)],
    );
  }

  async get(tenantId: string, id: string): Promise<ApprovalRecord | undefined> {
    const row = await this.#read(tenantId, id);
    return row && (JSON.parse(row.record) as ApprovalRecord);
  }

  async list(tenantId: string, options: ApprovalListOptions): Promise<ApprovalRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      `SELECT record FROM actpass_approvals
       WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY position DESC LIMIT $3`,
      [tenantId, options.status ?? null, Math.max(0, options.limit)],
    );
    return rows.map((row) => JSON.parse(row.record) as ApprovalRecord);
  }

  async transition(
    tenantId: string,
    id: string,
    expected: ApprovalStatus,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
  ): Promise<ApprovalRecord | undefined> {
    for (let attempt = 0; attempt < RACE_RETRY_ATTEMPTS; attempt++) {
      const current = await this.#read(tenantId, id);
      if (!current || current.status !== expected) return undefined;
      const before = JSON.parse(current.record) as ApprovalRecord;
      const next: ApprovalRecord = { ...before, ...patch, id: before.id, tenant_id: before.tenant_id };
      const { rowCount } = await this.pool.query(
        `UPDATE actpass_approvals SET status = $4, record = $5, version = version + 1
         WHERE tenant_id = $1 AND id = $2 AND status = $3 AND version = $6`,
        [tenantId, id, expected, next.status, JSON.stringify(next), current.version],
      );
      if (rowCount === 1) return JSON.parse(JSON.stringify(next)) as ApprovalRecord;
      // Someone else wrote in between: re-read; if the status moved on, that writer won.
    }
    throw new StoreUnavailableError('approvals', {
      cause: new Error(`approval ${id}: compare-and-set kept losing to concurrent writers`),
    });
  }

  /**
   * The compare-and-set and the ledger event recording it, in one transaction: the row is locked, its
   * status checked, the event appended and the row updated, then COMMIT. A loser (the row had moved
   * on) writes nothing, so the chain holds exactly one verdict per request however many processes
   * race. Null when `ledger` is not the PostgreSQL ledger on this store's database (the caller then
   * falls back to event-then-transition).
   */
  async transitionRecorded(
    tenantId: string,
    id: string,
    expected: ApprovalStatus,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
    ledger: LedgerStore,
    event: AppendInput,
  ): Promise<ApprovalRecord | undefined | null> {
    return withRecordedChange(this.pool, ledger, tenantId, async (client, append) => {
      const { rows } = await client.query<Row>(
        'SELECT status, version, record FROM actpass_approvals WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
        [tenantId, id],
      );
      const current = rows[0];
      if (!current || current.status !== expected) return undefined;
      const before = JSON.parse(current.record) as ApprovalRecord;
      const next: ApprovalRecord = { ...before, ...patch, id: before.id, tenant_id: before.tenant_id };
      await append(event);
      await client.query(
        `UPDATE actpass_approvals SET status = $3, record = $4, version = version + 1
         WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, next.status, JSON.stringify(next)],
      );
      return JSON.parse(JSON.stringify(next)) as ApprovalRecord;
    });
  }

  async #read(tenantId: string, id: string): Promise<Row | undefined> {
    const { rows } = await this.pool.query<Row>(
      'SELECT status, version, record FROM actpass_approvals WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return rows[0];
  }
}
