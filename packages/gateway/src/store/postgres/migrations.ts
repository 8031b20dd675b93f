/**
 * Versioned schema migrations, applied on start. Each runs in its own transaction and is recorded in
 * `actpass_schema_migrations`; a session advisory lock around the whole run makes two processes
 * starting at once apply each version exactly once (the second waits, then finds nothing to do).
 *
 * Migrations are append-only: never edit one that has shipped, add the next version instead.
 *
 * Records are stored as JSON `text`, not `jsonb`: ledger hashes cover exact canonical bytes, which
 * jsonb would reorder and renormalise, and jsonb also rejects strings that JSON allows (`\u0000`, lone
 * surrogates), which would turn an odd but valid request into a store failure.
 */
import { MIGRATION_LOCK_KEY } from '../../constants.js';
import { checkout, type PostgresPool, pgPool } from './pool.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'gateway stores',
    sql: `
      CREATE TABLE actpass_ledger_events (
        tenant_id text NOT NULL,
        seq bigint NOT NULL CHECK (seq > 0),
        id text NOT NULL,
        hash text NOT NULL,
        -- The event exactly as hashed and handed out; never rewritten.
        event text NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      );
      CREATE TABLE actpass_jti_claims (
        tenant_id text NOT NULL,
        jti text NOT NULL,
        expires_at double precision NOT NULL,
        PRIMARY KEY (tenant_id, jti)
      );
      CREATE INDEX actpass_jti_claims_expiry ON actpass_jti_claims (expires_at);
      CREATE TABLE actpass_jti_revocations (
        tenant_id text NOT NULL,
        jti text NOT NULL,
        reason text NOT NULL,
        -- NULL: kept until an operator removes it.
        expires_at double precision,
        PRIMARY KEY (tenant_id, jti)
      );
      CREATE TABLE actpass_approvals (
        tenant_id text NOT NULL,
        id text NOT NULL,
        status text NOT NULL,
        -- Bumped on every write: the compare-and-set also guards against a write nobody saw.
        version integer NOT NULL DEFAULT 1,
        -- Creation order, for newest-first listing.
        position bigserial NOT NULL,
        record text NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX actpass_approvals_listing ON actpass_approvals (tenant_id, position DESC);
      CREATE TABLE actpass_idempotency (
        scope text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        -- NULL while the first request is still running.
        response text,
        expires_at_ms bigint NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX actpass_idempotency_expiry ON actpass_idempotency (expires_at_ms);
      CREATE TABLE actpass_tools (
        tenant_id text NOT NULL,
        name text NOT NULL,
        record text NOT NULL,
        PRIMARY KEY (tenant_id, name)
      );
      CREATE TABLE actpass_policies (
        tenant_id text PRIMARY KEY,
        document text NOT NULL
      );
      CREATE TABLE actpass_vault (
        tenant_id text NOT NULL,
        name text NOT NULL,
        -- Metadata and the AES-GCM envelope; never a plaintext or a key.
        record text NOT NULL,
        PRIMARY KEY (tenant_id, name)
      );
      CREATE TABLE actpass_keysets (
        id text PRIMARY KEY,
        keyset text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/** Applies every migration not yet recorded; returns the versions this call applied. */
export async function migrate(
  pool: PostgresPool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const { client, release } = await checkout(pgPool(pool));
  let failed = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS actpass_schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM actpass_schema_migrations',
      );
      const applied = new Set(rows.map((row) => row.version));
      const done: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO actpass_schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(
            `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        done.push(migration.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => {
        failed = true;
      });
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A connection whose unlock may not have happened must not go back to the pool holding the lock.
    release(failed);
  }
}
