/**
 * How a gateway process talks to PostgreSQL: pool size, client and server-side timeouts, TCP
 * keepalive, and how long start-up may wait for the database. Every value has a default chosen for
 * several processes sharing one database (docs/scaling.md) and can be set through the environment
 * (`ACTPASS_PG_*`) or, for `actpass dev`, a flag.
 *
 * Why server-side bounds: a process that stalls (SIGSTOP, a long GC pause, a network partition) while
 * it holds a tenant's ledger lock would otherwise hold it until its TCP connection dies, hours later,
 * and every other process would queue behind it. `idle_in_transaction_session_timeout` makes the
 * server end such a session, which releases its locks; `lock_timeout` and `statement_timeout` bound
 * what a waiter can spend; the client's own read timeout is kept above them so the server cancels
 * first and the connection stays usable. Together they keep a stalled peer's cost below the SDKs'
 * 15 s deadline.
 */

export interface PostgresSettings {
  /** Connections per process (`ACTPASS_PG_POOL_MAX`). */
  poolMax: number;
  /** Waiting for a connection, from the pool or the server (`ACTPASS_PG_CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs: number;
  /** Server ends any statement running longer (`ACTPASS_PG_STATEMENT_TIMEOUT_MS`). */
  statementTimeoutMs: number;
  /** Server stops waiting for a lock after this (`ACTPASS_PG_LOCK_TIMEOUT_MS`). */
  lockTimeoutMs: number;
  /**
   * Server ends a session that sits inside a transaction doing nothing for this long, releasing its
   * locks (`ACTPASS_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS`). Must stay below `lockTimeoutMs`, so a waiter
   * outlasts a stalled holder.
   */
  idleInTransactionTimeoutMs: number;
  /** TCP keepalive idle time on both ends, so a partitioned peer is noticed (`ACTPASS_PG_KEEPALIVE_IDLE_MS`). */
  keepAliveIdleMs: number;
  /**
   * How long start-up may take: reaching a database that is not up yet (retried with backoff) and
   * waiting for another process's migration (`ACTPASS_PG_STARTUP_TIMEOUT_MS`).
   */
  startupTimeoutMs: number;
  /**
   * A claimed Idempotency-Key with no answer is given up after this long, so a retry of a request cut
   * off by a crash runs instead of being refused for a day (`ACTPASS_PG_IDEMPOTENCY_LEASE_MS`).
   */
  idempotencyLeaseMs: number;
}

export const DEFAULT_POSTGRES_SETTINGS: Readonly<PostgresSettings> = Object.freeze({
  poolMax: 10,
  // While the database is down a request must fail (503) quickly, not queue until the client gives up.
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 12_000,
  lockTimeoutMs: 10_000,
  // A stalled holder is ended after 5 s; its waiters (lock_timeout 10 s) then go on, inside 15 s.
  idleInTransactionTimeoutMs: 5_000,
  keepAliveIdleMs: 10_000,
  startupTimeoutMs: 60_000,
  // Far longer than any decision takes (a keyed request holds its claim for milliseconds), far shorter
  // than the 24 h a record is kept.
  idempotencyLeaseMs: 60_000,
});

/** The environment variable of each setting. */
export const POSTGRES_SETTINGS_ENV: Readonly<Record<keyof PostgresSettings, string>> = Object.freeze({
  poolMax: 'ACTPASS_PG_POOL_MAX',
  connectTimeoutMs: 'ACTPASS_PG_CONNECT_TIMEOUT_MS',
  statementTimeoutMs: 'ACTPASS_PG_STATEMENT_TIMEOUT_MS',
  lockTimeoutMs: 'ACTPASS_PG_LOCK_TIMEOUT_MS',
  idleInTransactionTimeoutMs: 'ACTPASS_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  keepAliveIdleMs: 'ACTPASS_PG_KEEPALIVE_IDLE_MS',
  startupTimeoutMs: 'ACTPASS_PG_STARTUP_TIMEOUT_MS',
  idempotencyLeaseMs: 'ACTPASS_PG_IDEMPOTENCY_LEASE_MS',
});

/** The `actpass dev` flag of each setting: the variable's name after `ACTPASS_`, in lower case. */
export const POSTGRES_SETTINGS_FLAGS: Readonly<Record<keyof PostgresSettings, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(POSTGRES_SETTINGS_ENV).map(([name, variable]) => [
      name,
      variable.slice('ACTPASS_'.length).toLowerCase().replaceAll('_', '-'),
    ]),
  ) as Record<keyof PostgresSettings, string>,
);

/** The client gives a statement this much longer than the server does, so the server cancels first. */
const CLIENT_READ_MARGIN_MS = 2_000;
const KEEPALIVE_INTERVAL_S = 5;
const KEEPALIVE_COUNT = 3;

/**
 * Defaults, then the environment, then `overrides` (e.g. CLI flags). A value that is not a positive
 * integer is refused naming its variable, so a typo never silently runs without a bound.
 */
export function resolvePostgresSettings(
  overrides: Partial<PostgresSettings> = {},
  env: Record<string, string | undefined> = process.env,
): PostgresSettings {
  const settings = { ...DEFAULT_POSTGRES_SETTINGS };
  for (const name of Object.keys(POSTGRES_SETTINGS_ENV) as Array<keyof PostgresSettings>) {
    const raw = env[POSTGRES_SETTINGS_ENV[name]];
    if (raw !== undefined && raw.trim() !== '')
      settings[name] = positiveInteger(POSTGRES_SETTINGS_ENV[name], raw);
    const given = overrides[name];
    if (given !== undefined) settings[name] = positiveInteger(name, String(given));
  }
  if (settings.idleInTransactionTimeoutMs >= settings.lockTimeoutMs) {
    throw new TypeError(
      `${POSTGRES_SETTINGS_ENV.idleInTransactionTimeoutMs} (${settings.idleInTransactionTimeoutMs}) must be below ${POSTGRES_SETTINGS_ENV.lockTimeoutMs} (${settings.lockTimeoutMs}): a waiter has to outlast a stalled lock holder.`,
    );
  }
  return settings;
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name}: "${raw}" is not a positive whole number.`);
  }
  return value;
}

/** `pg` pool options carrying the settings: session parameters go in the startup packet. */
export function poolOptions(settings: PostgresSettings) {
  const session = [
    `statement_timeout=${settings.statementTimeoutMs}`,
    `lock_timeout=${settings.lockTimeoutMs}`,
    `idle_in_transaction_session_timeout=${settings.idleInTransactionTimeoutMs}`,
    // The server's side of keepalive: a client that vanished behind a partition is noticed in ~25 s
    // instead of the kernel's default two hours, and its session (and any lock) ends.
    `tcp_keepalives_idle=${Math.max(1, Math.round(settings.keepAliveIdleMs / 1000))}`,
    `tcp_keepalives_interval=${KEEPALIVE_INTERVAL_S}`,
    `tcp_keepalives_count=${KEEPALIVE_COUNT}`,
  ];
  return {
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    query_timeout: settings.statementTimeoutMs + CLIENT_READ_MARGIN_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: settings.keepAliveIdleMs,
    options: session.map((parameter) => `-c ${parameter}`).join(' '),
  };
}
