/**
 * Passport single use and revocation in PostgreSQL (SPEC §4). `claim` is one
 * `INSERT … ON CONFLICT DO NOTHING`: the row count says whether this caller was first, so exactly one
 * preflight wins however many processes race for the same `jti`.
 */

import { JTI_PURGE_EVERY_CLAIMS } from '../../constants.js';
import type { JtiClaimStore } from '../../passport/replay.js';
import type { Pool } from './pool.js';

export class PostgresJtiClaimStore implements JtiClaimStore {
  readonly #nowSeconds: () => number;
  #claimsSincePurge = 0;

  constructor(
    private readonly pool: Pool,
    options: { nowSeconds?: () => number } = {},
  ) {
    this.#nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  async claim(tenantId: string, jti: string, expiresAtSeconds: number): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO actpass_jti_claims (tenant_id, jti, expires_at) VALUES ($1, $2, $3)
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
