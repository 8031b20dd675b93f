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
import { PostgresLimitStore } from './limits.js';
import { migrate } from './migrations.js';
import { PostgresPolicyStore } from './policies.js';
import { openPool, type Pool, type PostgresPool, pgPool, watchPool } from './pool.js';
import { type PostgresSettings, resolvePostgresSettings } from './settings.js';
import { type StartupRetry, waitForDatabase } from './startup.js';
import { PostgresSuspensionStore } from './suspensions.js';
import { PostgresToolStore } from './tools.js';
import { PostgresVaultStore } from './vault.js';

export { DATABASE_URL_ENV } from '../../constants.js';
export { PostgresApprovalStore } from './approvals.js';
export { PostgresIdempotencyStore } from './idempotency.js';
export { PostgresJtiClaimStore } from './jti.js';
export { loadOrCreateKeyset, saveKeyset } from './keyset.js';
export { PostgresLedgerStore } from './ledger.js';
export { PostgresLimitStore } from './limits.js';
export { MIGRATIONS, type MigrateOptions, type Migration, migrate } from './migrations.js';
export { PostgresPolicyStore } from './policies.js';
export { openPool, type Pool, type PostgresPool, withTransaction } from './pool.js';
export {
  DEFAULT_POSTGRES_SETTINGS,
  POSTGRES_SETTINGS_ENV,
  POSTGRES_SETTINGS_FLAGS,
  type PostgresSettings,
  resolvePostgresSettings,
} from './settings.js';
export { type StartupRetry, waitForDatabase } from './startup.js';
export { PostgresSuspensionStore } from './suspensions.js';
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
  /**
   * Pool size, timeouts, start-up deadline, idempotency lease: the defaults, then `ACTPASS_PG_*` from
   * `env`, then these (settings.ts).
   */
  settings?: Partial<PostgresSettings>;
  /** Where `ACTPASS_PG_*` are read from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Told of each failed try to reach the database at start-up, before the next one (e.g. to log it). */
  onStartupRetry?: (retry: StartupRetry) => void;
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
  const env = settings.env ?? process.env;
  const tuning = resolvePostgresSettings(settings.settings, env);
  const ownsPool = settings.pool === undefined;
  let pool: Pool;
  if (settings.pool) {
    pool = pgPool(settings.pool);
    watchPool(pool);
  } else {
    const connectionString = settings.connectionString ?? env[DATABASE_URL_ENV];
    if (!connectionString) {
      throw new TypeError(`PostgreSQL stores need a connection string: pass one or set ${DATABASE_URL_ENV}`);
    }
    pool = await openPool(connectionString, {}, tuning);
  }
  try {
    // One start-up deadline covers both waits: for the database to come up, then for a migration.
    const started = Date.now();
    await waitForDatabase(pool, tuning.startupTimeoutMs, settings.onStartupRetry);
    const left = Math.max(1, tuning.startupTimeoutMs - (Date.now() - started));
    if (settings.migrate !== false) await migrate(pool, undefined, { deadlineMs: left });
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => undefined);
    throw error;
  }
  let closed: Promise<void> | undefined;
  const stores: GatewayStores = {
    ledger: new PostgresLedgerStore(pool, settings.ledger),
    jti: new PostgresJtiClaimStore(pool, { leaseMs: tuning.idempotencyLeaseMs }),
    vault: new PostgresVaultStore(pool),
    approvals: new PostgresApprovalStore(pool),
    idempotency: new PostgresIdempotencyStore(pool, { leaseMs: tuning.idempotencyLeaseMs }),
    tools: new PostgresToolStore(pool),
    policies: new PostgresPolicyStore(pool),
    suspensions: new PostgresSuspensionStore(pool),
    limits: new PostgresLimitStore(pool),
  };
  // Not enumerable: code that walks the store set (guardStores) sees exactly the gateway's stores.
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
