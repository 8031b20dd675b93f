/** PostgreSQL store defaults, in one place (STYLE: no magic numbers in the request path). */

/** Environment variable naming the database several gateway processes share. */
export const DATABASE_URL_ENV = 'ACTPASS_DATABASE_URL';

/**
 * Connections per gateway process. Appends for one tenant serialise on an advisory lock anyway, so a
 * bigger pool mostly adds waiters; a small one keeps N gateways well below `max_connections`.
 */
export const POOL_MAX_CONNECTIONS = 10;
/** While the database is down a request must fail (503) quickly, not queue until the client gives up. */
export const POOL_CONNECT_TIMEOUT_MS = 5_000;
/** A statement stuck longer than this is treated as a failed store, which the gateway answers with 503. */
export const POOL_QUERY_TIMEOUT_MS = 15_000;
export const POOL_IDLE_TIMEOUT_MS = 30_000;

/**
 * Key of the session-level advisory lock held while migrating, so two processes starting at once
 * apply each migration exactly once. Any constant works; this one reads "actpass" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x61637470617373n;
/**
 * First key of the two-key advisory locks that serialise ledger appends per tenant (the second is
 * `hashtext(tenant_id)`). Two-key locks live in a different space from the one-key migration lock.
 */
export const LEDGER_LOCK_NAMESPACE = 0x6c656467; // "ledg"

/**
 * Most events one group-commit transaction writes for a tenant; what queued beyond it goes in the
 * next one. Bounds the statement size, not the throughput.
 */
export const LEDGER_APPEND_BATCH_MAX = 256;
/** Page size when streaming a whole chain for verification or export. */
export const LEDGER_STREAM_PAGE = 1000;
/** Every this many passport claims a process purges expired claims and revocations. */
export const JTI_PURGE_EVERY_CLAIMS = 1024;
/** Every this many `begin`s a process deletes expired idempotency records, as the memory store does. */
export const IDEMPOTENCY_SWEEP_EVERY = 1024;
/**
 * Optimistic retries (approval compare-and-set, idempotency insert-then-read) before reporting the
 * store unavailable; each retry means another writer won a race, so a handful is plenty.
 */
export const RACE_RETRY_ATTEMPTS = 8;

/** The row of the `keysets` table holding the gateway's signing keyset. */
export const DEFAULT_KEYSET_ID = 'default';
