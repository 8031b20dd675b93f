/**
 * Single-use and revocation state for passports.
 *
 * The interface is async and keyed by (tenant, jti) so a PostgreSQL store can be a drop-in peer:
 * `claim` maps to `INSERT … ON CONFLICT DO NOTHING` and "one row inserted" is the answer, which makes
 * single use hold across processes sharing the database.
 */

import type { LedgerStore } from '../ledger/index.js';

export interface JtiClaimStore {
  /**
   * Atomically records the first use of `jti`. Resolves `true` for exactly one caller, `false` for
   * every later (or concurrent) one. The record is kept at least until `expiresAtSeconds`
   * (the passport's `exp` plus leeway), after which the token cannot verify anyway.
   */
  claim(tenantId: string, jti: string, expiresAtSeconds: number): Promise<boolean>;
  /**
   * Undoes a claim whose decision could not be recorded (the caller got no answer but a 503), so the
   * passport is spent only together with the ledger event of the decision that spent it.
   */
  release(tenantId: string, jti: string): Promise<void>;
  /** Non-consuming: has `jti` already been claimed? (`verify` reports replays without burning tokens.) */
  isClaimed(tenantId: string, jti: string): Promise<boolean>;
  /** Revokes `jti`. Without `expiresAtSeconds` the revocation is kept until an operator removes it. */
  revoke(tenantId: string, jti: string, reason: string, expiresAtSeconds?: number): Promise<void>;
  isRevoked(tenantId: string, jti: string): Promise<boolean>;
  /** Drops records whose expiry is before `nowSeconds`; resolves how many were dropped. */
  purgeExpired(nowSeconds: number): Promise<number>;
  /**
   * Optional (stores shared by several processes): called when a spent passport is presented again.
   * A claim whose process died before recording its decision is then recorded in `ledger` as
   * `passport.burned_without_decision`, once; resolves whether it was.
   */
  settleAbandoned?(tenantId: string, jti: string, ledger: LedgerStore): Promise<boolean>;
}

interface Expiring {
  expiresAt: number;
}

/** Claims between opportunistic purges, so a long-running process never grows without bound. */
const PURGE_EVERY_CLAIMS = 1024;

/** In-process store: correct for one gateway process; use a shared database for several. */
export class MemoryJtiClaimStore implements JtiClaimStore {
  readonly #claims = new Map<string, Expiring>();
  readonly #revocations = new Map<string, Expiring & { reason: string }>();
  readonly #nowSeconds: () => number;
  #claimsSincePurge = 0;

  constructor(options: { nowSeconds?: () => number } = {}) {
    this.#nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  async claim(tenantId: string, jti: string, expiresAtSeconds: number): Promise<boolean> {
    // Check-and-set happens without an await in between, so it is atomic on the event loop.
    const key = storeKey(tenantId, jti);
    if (this.#claims.has(key)) return false;
    this.#claims.set(key, { expiresAt: expiresAtSeconds });
    if (++this.#claimsSincePurge >= PURGE_EVERY_CLAIMS) void this.purgeExpired(this.#nowSeconds());
    return true;
  }

  async release(tenantId: string, jti: string): Promise<void> {
    this.#claims.delete(storeKey(tenantId, jti));
  }

  async isClaimed(tenantId: string, jti: string): Promise<boolean> {
    return this.#claims.has(storeKey(tenantId, jti));
  }

  async revoke(tenantId: string, jti: string, reason: string, expiresAtSeconds?: number): Promise<void> {
    this.#revocations.set(storeKey(tenantId, jti), {
      reason,
      expiresAt: expiresAtSeconds ?? Number.POSITIVE_INFINITY,
    });
  }

  async isRevoked(tenantId: string, jti: string): Promise<boolean> {
    return this.#revocations.has(storeKey(tenantId, jti));
  }

  async purgeExpired(nowSeconds: number): Promise<number> {
    this.#claimsSincePurge = 0;
    let dropped = 0;
    for (const map of [this.#claims, this.#revocations]) {
      for (const [key, record] of map) {
        if (record.expiresAt < nowSeconds) {
          map.delete(key);
          dropped += 1;
        }
      }
    }
    return dropped;
  }
}

/** JSON array encoding keeps (tenant, jti) pairs distinct whatever characters either contains. */
function storeKey(tenantId: string, jti: string): string {
  return JSON.stringify([tenantId, jti]);
}
