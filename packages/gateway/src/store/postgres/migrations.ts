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
import type { QueryConfig } from 'pg';
import { MIGRATION_LOCK_KEY } from '../../constants.js';
import { checkout, type PoolClient, type PostgresPool, pgPool } from './pool.js';

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
  {
    version: 2,
    name: 'idempotency claim lease',
    sql: `
      -- When a claim with no answer may be taken over by a retry (its request's process is gone).
      -- NULL for claims made before leases existed: those keep waiting for their record to expire.
      ALTER TABLE actpass_idempotency ADD COLUMN lease_until_ms bigint;
    `,
  },
  {
    version: 3,
    name: 'passport claim time',
    sql: `
      -- When a passport was spent (the database's clock), so a claim whose decision never came can be
      -- told from one still being decided; NULL for claims made before this column existed.
      ALTER TABLE actpass_jti_claims ADD COLUMN claimed_at_ms bigint;
      -- True once a claim has been checked against the ledger (and recorded if it had no decision).
      ALTER TABLE actpass_jti_claims ADD COLUMN settled boolean NOT NULL DEFAULT false;
    `,
  },
  {
    version: 4,
    name: 'session labels',
    sql: `
      -- Flow labels a session carries: one row per (tenant, agent key, session, label), added by the
      -- first allowed call that carries the label (INSERT ... ON CONFLICT DO NOTHING across processes).
      CREATE TABLE actpass_session_labels (
        tenant_id text NOT NULL,
        key_id text NOT NULL,
        session_id text NOT NULL,
        label text NOT NULL,
        -- {label, tool, event_id, at} as JSON text.
        record text NOT NULL,
        added_at_ms bigint NOT NULL,
        expires_at_ms bigint NOT NULL,
        PRIMARY KEY (tenant_id, key_id, session_id, label)
      );
      CREATE INDEX actpass_session_labels_expiry ON actpass_session_labels (expires_at_ms);
    `,
  },
  {
    version: 5,
    name: 'suspensions and limit counters',
    sql: `
      CREATE TABLE actpass_suspensions (
        tenant_id text NOT NULL,
        id text NOT NULL,
        -- Creation order, for newest-first listing.
        position bigserial NOT NULL,
        -- NULL: until resumed.
        until_ms bigint,
        resumed boolean NOT NULL DEFAULT false,
        record text NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      -- What every preflight reads: the tenant's suspensions not yet resumed.
      CREATE INDEX actpass_suspensions_active ON actpass_suspensions (tenant_id) WHERE NOT resumed;
      CREATE INDEX actpass_suspensions_listing ON actpass_suspensions (tenant_id, position DESC);
      CREATE TABLE actpass_limit_counters (
        tenant_id text NOT NULL,
        -- SHA-256 of the limit's identity and the values it is kept per.
        key text NOT NULL,
        window_start_ms bigint NOT NULL,
        window_end_ms bigint NOT NULL,
        used bigint NOT NULL CHECK (used >= 0),
        PRIMARY KEY (tenant_id, key, window_start_ms)
      );
      CREATE INDEX actpass_limit_counters_expiry ON actpass_limit_counters (window_end_ms);
    `,
  },
  {
    version: 6,
    name: 'ledger events by id',
    // A preflight carrying earlier calls' outcomes looks up each decision event by id.
    sql: `CREATE INDEX actpass_ledger_events_by_id ON actpass_ledger_events (tenant_id, id);`,
  },
];

export interface MigrateOptions {
  /**
   * How long to wait for another process's migration before giving up (default 60 s). The wait is a
   * poll, not one blocking statement, so no statement or read timeout cuts it short.
   */
  deadlineMs?: number;
}

const LOCK_POLL_MS = 200;
const DEFAULT_MIGRATION_DEADLINE_MS = 60_000;

/** Applies every migration not yet recorded; returns the versions this call applied. */
export async function migrate(
  pool: PostgresPool,
  migrations: readonly Migration[] = MIGRATIONS,
  options: MigrateOptions = {},
): Promise<number[]> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_MIGRATION_DEADLINE_MS;
  const { client, release } = await checkout(pgPool(pool));
  try {
    // A migration may legitimately run longer than a request's statement: lift the session's bounds.
    // The connection is destroyed afterwards, so these settings never reach a request.
    await client.query('SET statement_timeout = 0; SET lock_timeout = 0');
    await waitForLock(client, deadlineMs);
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
          // The pool's read timeout is meant for requests; a migration gets the whole start-up deadline.
          // (`pg` honours a per-query `query_timeout`; its typings do not list it.)
          await client.query({ text: migration.sql, query_timeout: deadlineMs } as QueryConfig);
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
      await client
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()])
        .catch(() => undefined);
    }
  } finally {
    // Never back to the pool: it carries lifted timeouts, and perhaps the lock if the unlock failed.
    release(true);
  }
}

/**
 * Takes the session lock that serialises migrations, polling so that a long migration elsewhere is
 * waited for up to `deadlineMs` and then reported with the holder's pid, instead of a read timeout.
 */
async function waitForLock(client: PoolClient, deadlineMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_KEY.toString(),
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() - started >= deadlineMs) {
      const holder = await client
        .query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
             AND ((classid::bigint << 32) | objid::bigint) = $1::bigint LIMIT 1`,
          [MIGRATION_LOCK_KEY.toString()],
        )
        .then((result) => result.rows[0]?.pid)
        .catch(() => undefined);
      throw new Error(
        `gave up after ${Math.round(deadlineMs / 1000)} s waiting for another process's schema migration` +
          `${holder === undefined ? '' : ` (PostgreSQL backend pid ${holder} holds the migration lock)`}; ` +
          'raise ACTPASS_PG_STARTUP_TIMEOUT_MS if migrations take longer, or end that session.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}
