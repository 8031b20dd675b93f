/**
 * Passport single use and revocation in PostgreSQL. `claim` is one
 * `INSERT … ON CONFLICT DO NOTHING`: the row count says whether this caller was first, so exactly one
 * preflight wins however many processes race for the same `jti`.
 */

import { JTI_PURGE_EVERY_CLAIMS } from '../../constants.js';
import type { LedgerStore } from '../../ledger/index.js';
import type { JtiClaimStore } from '../../passport/replay.js';
import type { Pool } from './pool.js';
import { DEFAULT_POSTGRES_SETTINGS } from './settings.js';
import { withRecordedChange } from './shared-transaction.js';

/** The database's clock in epoch milliseconds: one clock for claims and ledger events alike. */
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export class PostgresJtiClaimStore implements JtiClaimStore {
  readonly #nowSeconds: () => number;
  readonly #leaseMs: number;
  #claimsSincePurge = 0;

  constructor(
    private readonly pool: Pool,
    options: { nowSeconds?: () => number; leaseMs?: number } = {},
  ) {
    this.#nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.#leaseMs = options.leaseMs ?? DEFAULT_POSTGRES_SETTINGS.idempotencyLeaseMs;
  }

  async claim(tenantId: string, jti: string, expiresAtSeconds: number): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO actpass_jti_claims (tenant_id, jti, expires_at, claimed_at_ms) VALUES ($1, $2, $3, ${NOW_MS})
       ON CONFLICT (tenant_id, jti) DO NOTHING`,
      [tenantId, jti, expiresAtSeconds],
    );
    this.#purgeNowAndThen();
    return result.rowCount === 1;
  }

  async release(tenantId: string, jti: string): Promise<void> {
    await this.pool.query('DELETE FROM actpass_jti_claims WHERE tenant_id = $1 AND jti = $2', [
      tenantId,
      jti,
    ]);
  }

  async isClaimed(tenantId: string, jti: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM actpass_jti_claims WHERE tenant_id = $1 AND jti = $2',
      [tenantId, jti],
    );
    return rowCount === 1;
  }

  async revoke(tenantId: string, jti: string, reason: string, expiresAtSeconds?: number): Promise<void> {
    // A repeated revocation replaces the earlier one, as in the memory store.
    await this.pool.query(
      `INSERT INTO actpass_jti_revocations (tenant_id, jti, reason, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, jti) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at`,
      [tenantId, jti, reason, expiresAtSeconds ?? null],
    );
  }

  async isRevoked(tenantId: string, jti: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM actpass_jti_revocations WHERE tenant_id = $1 AND jti = $2',
      [tenantId, jti],
    );
    return rowCount === 1;
  }

  /**
   * A passport presented again after its claim: if the claim is older than the lease and no decision
   * in the ledger names it, the process that spent it died before deciding, so the burn is recorded
   * (`passport.burned_without_decision`) in the same transaction that marks the claim settled. Each
   * claim is checked once; a claim still young may belong to a request being decided right now.
   * Resolves whether an event was written (false also when `ledger` is not on this database).
   */
  async settleAbandoned(tenantId: string, jti: string, ledger: LedgerStore): Promise<boolean> {
    const recorded = await withRecordedChange(this.pool, ledger, tenantId, async (client, append) => {
      const { rows } = await client.query<{ claimed_at_ms: string; now_ms: string }>(
        `SELECT claimed_at_ms, ${NOW_MS} AS now_ms FROM actpass_jti_claims
         WHERE tenant_id = $1 AND jti = $2 AND NOT settled AND claimed_at_ms IS NOT NULL FOR UPDATE`,
        [tenantId, jti],
      );
      const row = rows[0];
      if (!row || Number(row.now_ms) - Number(row.claimed_at_ms) < this.#leaseMs) return false;
      // Stored events are canonical JSON (keys sorted, then `hash`), so a decision naming this jti is
      // found by its text, without parsing every event (nor failing on one json would refuse).
      const { rowCount } = await client.query(
        `SELECT 1 FROM actpass_ledger_events
         WHERE tenant_id = $1 AND event LIKE $2 ESCAPE '\\' AND event LIKE '%"type":"decision","v":1%' LIMIT 1`,
        [tenantId, `%${likeLiteral(`"passport_jti":${JSON.stringify(jti)}`)}%`],
      );
      let wrote = false;
      if (rowCount === 0) {
        await append({
          type: 'passport.burned_without_decision',
          data: { passport_jti: jti, claimed_at: new Date(Number(row.claimed_at_ms)).toISOString() },
        });
        wrote = true;
      }
      await client.query('UPDATE actpass_jti_claims SET settled = true WHERE tenant_id = $1 AND jti = $2', [
        tenantId,
        jti,
      ]);
      return wrote;
    });
    return recorded === true;
  }

  /**
   * Every so many claims, as the memory store does, drop expired records so the tables do not keep
   * every passport forever. Off the request path and best effort: the next purge catches up.
   */
  #purgeNowAndThen(): void {
    if (++this.#claimsSincePurge < JTI_PURGE_EVERY_CLAIMS) return;
    this.#claimsSincePurge = 0;
    this.purgeExpired(this.#nowSeconds()).catch(() => undefined);
  }

  async purgeExpired(nowSeconds: number): Promise<number> {
    const { rows } = await this.pool.query<{ dropped: string }>(
      `WITH claims AS (DELETE FROM actpass_jti_claims WHERE expires_at < $1 RETURNING 1),
            revocations AS (DELETE FROM actpass_jti_revocations WHERE expires_at < $1 RETURNING 1)
       SELECT (SELECT count(*) FROM claims) + (SELECT count(*) FROM revocations) AS dropped`,
      [nowSeconds],
    );
    return Number(rows[0]?.dropped ?? 0);
  }
}

/** `text` matched literally by LIKE (with `ESCAPE '\\'`). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
