/**
 * The ledger as a witness for idempotency keys. A decision event records the SHA-256 of the
 * Idempotency-Key it answered and the API key that sent it, and it is durable before anybody is
 * answered. So when a store writes a decision's idempotency record behind the answer (one flush per
 * keyed preflight: the ledger's), a crash can lose that record but never the fact that the key was
 * decided: a retry then finds the event here and is refused instead of deciding a second time.
 *
 * Only events already in the ledger when a tenant is first consulted are indexed. That is enough:
 * every key this process decides afterwards has a record in the idempotency store's memory from
 * `begin` on, so the witness is only ever asked about keys that store has never seen.
 */
import { sha256Hex } from '../crypto/hash.js';
import type { LedgerStore } from '../ledger/index.js';

const WITNESS_PAGE = 1000;

export interface KeyOwner {
  tenantId: string;
  /** The API key that sent the request (the idempotency scope). */
  keyId: string;
}

export class LedgerKeyWitness {
  readonly #tenants = new Map<string, Promise<Map<string, string>>>();

  constructor(
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
    private readonly ttlMs: number,
  ) {}

  /** The id of the decision event that answered this key within its lifetime, if the ledger has one. */
  async decided(owner: KeyOwner, key: string): Promise<string | undefined> {
    const index = await this.#index(owner.tenantId);
    if (index.size === 0) return undefined;
    return index.get(indexKey(owner.keyId, sha256Hex(key)));
  }

  /**
   * The same question asked of the ledger as it is now, for decisions at or after `sinceMs`: used when
   * a claim abandoned by another process is taken over, whose decision (if any) was appended by that
   * process and so is in no index built here. Rare (only after a crash), so it reads instead of caching.
   */
  async decidedSince(owner: KeyOwner, key: string, sinceMs: number): Promise<string | undefined> {
    const keySha256 = sha256Hex(key);
    let afterSeq = 0;
    for (;;) {
      const page = await this.ledger.list(owner.tenantId, {
        afterSeq,
        limit: WITNESS_PAGE,
        filter: { type: 'decision', sinceMs },
      });
      for (const event of page) {
        const data = event.data as { idempotency_key_sha256?: unknown; key_id?: unknown };
        if (data.idempotency_key_sha256 === keySha256 && data.key_id === owner.keyId) return event.id;
      }
      const last = page.at(-1);
      if (!last || page.length < WITNESS_PAGE) return undefined;
      afterSeq = last.seq;
    }
  }

  #index(tenantId: string): Promise<Map<string, string>> {
    let pending = this.#tenants.get(tenantId);
    if (!pending) {
      pending = this.#build(tenantId);
      this.#tenants.set(tenantId, pending);
      // A ledger that could not be read is read again next time rather than trusted empty.
      pending.catch(() => {
        if (this.#tenants.get(tenantId) === pending) this.#tenants.delete(tenantId);
      });
    }
    return pending;
  }

  async #build(tenantId: string): Promise<Map<string, string>> {
    const index = new Map<string, string>();
    const oldest = this.nowMs() - this.ttlMs;
    for await (const event of this.ledger.events(tenantId)) {
      if (event.type !== 'decision') continue;
      const data = event.data as { idempotency_key_sha256?: unknown; key_id?: unknown };
      if (typeof data.idempotency_key_sha256 !== 'string' || typeof data.key_id !== 'string') continue;
      // A key's record lives as long as the TTL; an older decision no longer holds the key.
      if (Date.parse(event.at) <= oldest) continue;
      index.set(indexKey(data.key_id, data.idempotency_key_sha256), event.id);
    }
    return index;
  }
}

function indexKey(keyId: string, keySha256: string): string {
  return `${keyId}\n${keySha256}`;
}
