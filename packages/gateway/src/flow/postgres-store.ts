/**
 * Session labels in PostgreSQL, for several gateway processes sharing one database: a label is added
 * by `INSERT … ON CONFLICT DO NOTHING`, so two processes racing to add it agree on which one did (and
 * only that one seals a `session.labeled` event). An expired session's rows are replaced on its next
 * label and skipped when read.
 */
import { type Pool, type PostgresPool, pgPool } from '../store/postgres/pool.js';
import type { SessionKey, SessionLabel } from './labels.js';
import type { SessionLabelStore } from './store.js';

export class PostgresSessionLabelStore implements SessionLabelStore {
  private readonly pool: Pool;

  /** `pool`: the stores' own (`createPostgresStores(…).pool`) or any `pg` Pool on the same database. */
  constructor(pool: PostgresPool) {
    this.pool = pgPool(pool);
  }

  async labels(key: SessionKey, nowMs: number): Promise<SessionLabel[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      `SELECT record FROM actpass_session_labels
       WHERE tenant_id = $1 AND key_id = $2 AND session_id = $3 AND expires_at_ms > $4
       ORDER BY added_at_ms, label`,
      [key.tenantId, key.keyId, key.sessionId, nowMs],
    );
    return rows.map((row) => JSON.parse(row.record) as SessionLabel);
  }

  async add(key: SessionKey, label: SessionLabel, expiresAtMs: number): Promise<boolean> {
    const addedAt = Date.parse(label.at);
    // A row left from an expired session would block the insert: it goes first.
    await this.pool.query(
      `DELETE FROM actpass_session_labels
       WHERE tenant_id = $1 AND key_id = $2 AND session_id = $3 AND label = $4 AND expires_at_ms <= $5`,
      [key.tenantId, key.keyId, key.sessionId, label.label, addedAt],
    );
    const { rowCount } = await this.pool.query(
      `INSERT INTO actpass_session_labels
         (tenant_id, key_id, session_id, label, record, added_at_ms, expires_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING`,
      [key.tenantId, key.keyId, key.sessionId, label.label, JSON.stringify(label), addedAt, expiresAtMs],
    );
    return rowCount === 1;
  }

  /** Drops expired rows; an operator's cron or the gateway's own housekeeping may call it. */
  async prune(nowMs: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM actpass_session_labels WHERE expires_at_ms <= $1',
      [nowMs],
    );
    return rowCount ?? 0;
  }
}
