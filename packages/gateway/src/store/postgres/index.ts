/**
 * PostgreSQL peers of every gateway store, for several gateway processes sharing one database
 * (docs/scaling.md). `createPostgresStores` opens (or borrows) a pool, applies pending migrations,
 * and returns the full `GatewayStores` set.
 */

import { DATABASE_URL_ENV } from '../../constants.js';
import type { LedgerStoreOptions } from '../../ledger/store.js';
import type { GatewayStores } from '../types.js';
import { PostgresApprovalStore } from './approvals.js';
import { PostgresIdempotencyStore } from './idempotency.js';
import { PostgresJtiClaimStore } from './jti.js';
import { PostgresLedgerStore } from './ledger.js';
import { migrate } from './migrations.js';
import { PostgresPolicyStore } from './policies.js';
import { openPool, type Pool, type PostgresPool, pgPool, watchPool } from './pool.js';
import { PostgresToolStore } from './tools.js';
import { PostgresVaultStore } from './vault.js';

export { DATABASE_URL_ENV } from '../../constants.js';
export { PostgresApprovalStore } from './approvals.js';
export { PostgresIdempotencyStore } from './idempotency.js';
export { PostgresJtiClaimStore } from './jti.js';
export { loadOrCreateKeyset, saveKeyset } from './keyset.js';
export { PostgresLedgerStore } from './ledger.js';
export { MIGRATIONS, type Migration, migrate } from './migrations.js';
export { PostgresPolicyStore } from './policies.js';
export { openPool, type Pool, type PostgresPool, withTransaction } from './pool.js';
export { PostgresToolStore } from './tools.js';
export { PostgresVaultStore } from './vault.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`; defaults to `ACTPASS_DATABASE_URL`. Ignored when `pool` is given. */
  connectionString?: string;
  /** A pool you own: `close()` then leaves it open. */
  pool?: PostgresPool;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Clock and event ids for the ledger (tests). */
  ledger?: LedgerStoreOptions;
}

export interface PostgresStores extends GatewayStores {
  /** The pool every store uses, e.g. for `loadOrCreateKeyset(stores.pool)`. */
  readonly pool: PostgresPool;
  /** Ends the pool if these stores opened it. */
  close(): Promise<void>;
}

export async function createPostgresStores(
  options: string | PostgresStoreOptions = {},
): Promise<PostgresStores> {
  const settings = typeof options === 'string' ? { connectionString: options } : options;
  const ownsPool = settings.pool === undefined;
  let pool: Pool;
  if (settings.pool) {
    pool = pgPool(settings.pool);
    watchPool(pool);
  } else {
    const connectionString = settings.connectionString ?? process.env[DATABASE_URL_ENV];
    if (!connectionString) {
      throw new TypeError(`PostgreSQL stores need a connection string: pass one or set ${DATABASE_URL_ENV}`);
    }
    pool = await openPool(connectionString);
  }
  try {
    if (settings.migrate !== false) await migrate(pool);
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => undefined);
    throw error;
  }
  let closed: Promise<void> | undefined;
  const stores: GatewayStores = {
    ledger: new PostgresLedgerStore(pool, settings.ledger),
    jti: new PostgresJtiClaimStore(pool),
    vault: new PostgresVaultStore(pool),
    approvals: new PostgresApprovalStore(pool),
    idempotency: new PostgresIdempotencyStore(pool),
    tools: new PostgresToolStore(pool),
    policies: new PostgresPolicyStore(pool),
  };
  // Not enumerable: code that walks the store set (guardStores) sees exactly the seven stores.
  return Object.defineProperties(stores, {
    pool: { value: pool },
    close: {
      value: () => {
        closed ??= ownsPool ? pool.end() : Promise.resolve();
        return closed;
      },
    },
  }) as PostgresStores;
}
