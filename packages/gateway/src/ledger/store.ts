/**
 * The storage contract for tenant ledgers. Async everywhere so that a PostgreSQL store is a peer of the
 * memory and file stores: there, `append` is one transaction that reads the head `FOR UPDATE` (or relies
 * on a unique (tenant_id, seq) constraint and retries), which is what makes several processes safe.
 */
import { GENESIS_HASH, LEDGER_LIST_DEFAULT_LIMIT, LEDGER_LIST_MAX_LIMIT } from '../constants.js';
import type { AppendInput, LedgerEvent, LedgerHead } from './event.js';
import { type EvidenceFilter, hasFilter, matchesFilter } from './filter.js';

export interface ListOptions {
  /** Return events with `seq > afterSeq` (default 0). */
  afterSeq?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  /** Only events passing every filter given; the page still holds up to `limit` of them. */
  filter?: EvidenceFilter;
}

export interface LedgerStore {
  /**
   * Appends one event, assigning seq, prev_hash and hash atomically for the tenant: concurrent appends
   * never fork the chain. Resolves only once the event is durable for this store's guarantees.
   * Throws `LedgerInputError` for data that must not be recorded (see `checkAppendInput`).
   */
  append(tenantId: string, input: AppendInput): Promise<LedgerEvent>;
  list(tenantId: string, options?: ListOptions): Promise<LedgerEvent[]>;
  /** `{seq: 0, hash: GENESIS_HASH}` for a tenant with no events. */
  head(tenantId: string): Promise<LedgerHead>;
  /** Every event of the tenant in seq order (for verification and export). */
  events(tenantId: string): AsyncIterable<LedgerEvent>;
  /**
   * The tenant's event with this id, or null. Optional: a store without it is searched through
   * `events()` (see `findEvent`), which is correct but reads the whole chain.
   */
  find?(tenantId: string, id: string): Promise<LedgerEvent | null>;
}

/** The tenant's event with this id, or null: through the store's index when it has one. */
export async function findEvent(
  store: LedgerStore,
  tenantId: string,
  id: string,
): Promise<LedgerEvent | null> {
  if (typeof store.find === 'function') return store.find(tenantId, id);
  for await (const event of store.events(tenantId)) if (event.id === id) return event;
  return null;
}

export interface LedgerStoreOptions {
  /** Injected for tests and vectors. */
  clock?: () => Date;
  newId?: () => string;
}

/** Head of an in-memory chain. */
export function headOf(chain: readonly LedgerEvent[]): LedgerHead {
  const last = chain.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** The page `list()` returns from an in-memory chain (seq n lives at index n - 1). */
export function listWindow(chain: readonly LedgerEvent[], options: ListOptions = {}): LedgerEvent[] {
  const afterSeq = Math.max(0, Math.floor(options.afterSeq ?? 0));
  const limit = Math.min(
    LEDGER_LIST_MAX_LIMIT,
    Math.max(1, Math.floor(options.limit ?? LEDGER_LIST_DEFAULT_LIMIT)),
  );
  if (!Number.isFinite(afterSeq) || !Number.isFinite(limit)) return [];
  const filter = options.filter;
  if (!hasFilter(filter)) return chain.slice(afterSeq, afterSeq + limit);
  const page: LedgerEvent[] = [];
  for (let index = afterSeq; index < chain.length && page.length < limit; index++) {
    const event = chain[index] as LedgerEvent;
    if (matchesFilter(event, filter)) page.push(event);
  }
  return page;
}
