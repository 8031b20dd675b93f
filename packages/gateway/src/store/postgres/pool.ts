/**
 * Connection handling shared by every PostgreSQL store. `pg` is imported lazily, inside
 * `openPool`, so gateways that never use PostgreSQL never load the driver.
 */
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { POOL_IDLE_TIMEOUT_MS } from '../../constants.js';
import { DEFAULT_POSTGRES_SETTINGS, type PostgresSettings, poolOptions } from './settings.js';

export type { Pool, PoolClient };

/**
 * What the public functions accept and return as a pool: any `pg` Pool fits. Declared here rather than
 * taken from `pg`, so a project compiling against the published types needs no `@types/pg`.
 */
export interface PostgresPool {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  end(): Promise<void>;
}

/** The `pg` Pool behind a `PostgresPool` (every value of that type comes from `pg`). */
export function pgPool(pool: PostgresPool): Pool {
  return pool as unknown as Pool;
}

/**
 * A pool whose every connection carries the server-side bounds of `settings` (statement, lock and
 * idle-in-transaction timeouts, TCP keepalive; see settings.ts), so no session of this process can
 * hold a lock for long whatever happens to the process.
 */
export async function openPool(
  connectionString: string,
  overrides: PoolConfig = {},
  settings: PostgresSettings = DEFAULT_POSTGRES_SETTINGS,
): Promise<Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString,
    idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
    application_name: 'actpass-gateway',
    ...poolOptions(settings),
    ...overrides,
  });
  watchPool(pool);
  return pool;
}

/**
 * An idle connection that the server drops (a restart, a failover) emits 'error' on the pool; without
 * a listener Node would crash the gateway. The pool has already discarded that connection and opens a
 * fresh one on next use, so the right response is to note it and carry on.
 */
export function watchPool(pool: Pool): void {
  if (pool.listenerCount('error') > 0) return;
  pool.on('error', (error) => {
    process.emitWarning(
      `actpass: an idle PostgreSQL connection failed (${error.message}); it will be replaced`,
    );
  });
}

/**
 * Takes a connection for several statements. While checked out, a connection the server drops (a
 * restart, a failover) emits 'error' between statements, and an unheard 'error' would crash the
 * process; the failure also rejects the next statement, which is where it is handled. So listen, and
 * stop listening when the connection goes back.
 */
export async function checkout(pool: Pool): Promise<{ client: PoolClient; release(destroy: boolean): void }> {
  const client = await pool.connect();
  const absorb = () => undefined;
  client.on('error', absorb);
  return {
    client,
    release(destroy) {
      client.off('error', absorb);
      client.release(destroy);
    },
  };
}

/**
 * Runs `work` in one transaction on one connection. Resolves only after COMMIT has succeeded, which
 * is the ack-after-commit rule: a caller never acts on a write the database may not have kept. A
 * connection that saw any error is destroyed rather than returned to the pool, so a half-finished
 * transaction or a broken socket can never leak into a later request.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkout(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    release(false);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    release(true);
    throw error;
  }
}
