/**
 * Rate-limit and budget counters in PostgreSQL. A charge is one transaction of conditional upserts:
 * each adds its amount only while the counter stays at or below its max (the row lock taken by the
 * upsert serialises concurrent chargers on every process), and the first that would pass its max rolls
 * the whole charge back. Ended windows are deleted now and then.
 */
import { LIMIT_SWEEP_INTERVAL_MS } from '../../constants.js';
import type { LimitCharge, LimitCounter, LimitStore } from '../types.js';
import { type Pool, withTransaction } from './pool.js';

class ChargeRefused extends Error {}

export class PostgresLimitStore implements LimitStore {
  #lastSweep = 0;

  constructor(private readonly pool: Pool) {}

  async usage(tenantId: string, counters: readonly LimitCounter[]): Promise<number[]> {
    if (counters.length === 0) return [];
    const { rows } = await this.pool.query<{ key: string; window_start_ms: string; used: string }>(
      `SELECT key, window_start_ms, used FROM actpass_limit_counters
       WHERE tenant_id = $1 AND key = ANY($2::text[])`,
      [tenantId, counters.map((counter) => counter.key)],
    );
    const used = new Map(rows.map((row) => [`${row.key} ${row.window_start_ms}`, Number(row.used)]));
    return counters.map((counter) => used.get(`${counter.key} ${counter.window_start_ms}`) ?? 0);
  }

  async charge(tenantId: string, charges: readonly LimitCharge[]): Promise<boolean> {
    if (charges.some((charge) => charge.amount > charge.max)) return false;
    // A fixed order of row locks, so two charges over the same counters cannot deadlock.
    const ordered = [...charges].sort((a, b) =>
      a.key === b.key ? a.window_start_ms - b.window_start_ms : a.key < b.key ? -1 : 1,
    );
    try {
      await withTransaction(this.pool, async (client) => {
        for (const charge of ordered) {
          const result = await client.query(
            `INSERT INTO actpass_limit_counters (tenant_id, key, window_start_ms, window_end_ms, used)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, key, window_start_ms)
             DO UPDATE SET used = actpass_limit_counters.used + excluded.used
             WHERE actpass_limit_counters.used + excluded.used <= $6`,
            [tenantId, charge.key, charge.window_start_ms, charge.window_end_ms, charge.amount, charge.max],
          );
          if (result.rowCount !== 1) throw new ChargeRefused();
        }
      });
    } catch (error) {
      if (error instanceof ChargeRefused) return false;
      throw error;
    }
    this.#sweep(charges[0]?.window_start_ms);
    return true;
  }

  async refund(tenantId: string, charges: readonly LimitCharge[]): Promise<void> {
    for (const charge of charges) {
      await this.pool.query(
        `UPDATE actpass_limit_counters SET used = GREATEST(0, used - $4)
         WHERE tenant_id = $1 AND key = $2 AND window_start_ms = $3`,
        [tenantId, charge.key, charge.window_start_ms, charge.amount],
      );
    }
  }

  /** Deletes ended windows at most once per interval per process, off the answer's path. */
  #sweep(nowMs: number | undefined): void {
    const now = Date.now();
    if (nowMs === undefined || now - this.#lastSweep < LIMIT_SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    this.pool
      .query('DELETE FROM actpass_limit_counters WHERE window_end_ms <= $1', [now])
      .catch(() => undefined);
  }
}
