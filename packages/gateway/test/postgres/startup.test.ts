/**
 * A gateway process and its database, at start and when the database goes away: start-up waits for a
 * database that is not up yet (one log line per try), readiness follows the database while liveness
 * does not, and waiting for another process's migration is bounded by the start-up deadline, not by a
 * statement or read timeout. This file runs its own server, since it stops and starts it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY } from '../../src/constants.js';
import { openPool } from '../../src/store/postgres/index.js';
import { call, type GatewayProcess, startCliGateway } from './fixtures/processes.js';
import { createDatabase, type PostgresServer, removeServer, startPostgres } from './helpers.js';

const READY_TIMEOUT_MS = 30_000;

let server: PostgresServer;
let databaseUrl: string;
let stateDir: string;
const started: GatewayProcess[] = [];

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = (await createDatabase(server.url)).url;
  stateDir = await mkdtemp(path.join(tmpdir(), 'actpass-startup-'));
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((gateway) => gateway.stop()));
  if (server) await removeServer(server);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(100);
  }
  return false;
}

describe('a gateway started before its database', () => {
  it('retries with a log line per try, then serves once the database is up', async () => {
    await server.stop();
    let ready = false;
    let output = '';
    const starting = startCliGateway(databaseUrl, stateDir, {
      startTimeoutMs: 90_000,
      onStderr: (text) => {
        output = text;
      },
    }).then((gateway) => {
      ready = true;
      started.push(gateway);
      return gateway;
    });
    // Before, the process exited at once with "connection refused"; now it keeps trying.
    const retried = await until(
      () => (output.match(/PostgreSQL not reachable \(try/g) ?? []).length >= 2,
      60_000,
    );
    expect(retried, output).toBe(true);
    expect(ready).toBe(false);
    await server.start();
    const gateway = await starting;
    const stderr = gateway.stderr();
    const tries = stderr.split('\n').filter((line) => line.includes('PostgreSQL not reachable (try'));
    expect(tries.length, stderr).toBeGreaterThanOrEqual(2);
    expect(stderr).not.toContain(databaseUrl);
    expect((await call(gateway.url, 'GET', '/readyz')).status).toBe(200);
  }, 120_000);
});

describe('readiness and liveness', () => {
  it('/readyz is 503 while the database is unreachable and 200 again after, /healthz stays 200', async () => {
    const gateway = started[0]!;
    expect((await call(gateway.url, 'GET', '/readyz')).status).toBe(200);
    await server.stop();
    try {
      for (let poll = 0; poll < 5; poll++) {
        const ready = await call(gateway.url, 'GET', '/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body.error.code).toBe('server.unavailable');
        expect((await call(gateway.url, 'GET', '/healthz')).status).toBe(200);
      }
    } finally {
      await server.start();
    }
    const back = await until(
      async () => (await call(gateway.url, 'GET', '/readyz')).status === 200,
      READY_TIMEOUT_MS,
    );
    expect(back).toBe(true);
  }, 90_000);
});

describe('waiting for another process’s migration', () => {
  /** Holds the migration lock from a session of the test's own, as a long migration elsewhere would. */
  async function holdMigrationLock() {
    const pool = await openPool(databaseUrl, { max: 1 });
    await pool.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    return { release: () => pool.end() };
  }

  // Bounds far below the wait: before, the wait was one blocking statement cut off by the read timeout.
  const tightBounds = {
    ACTPASS_PG_STATEMENT_TIMEOUT_MS: '1000',
    ACTPASS_PG_LOCK_TIMEOUT_MS: '800',
    ACTPASS_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '500',
  };

  it('is not cut short by the statement or read timeouts', async () => {
    const lock = await holdMigrationLock();
    let ready = false;
    const starting = startCliGateway(databaseUrl, stateDir, { env: tightBounds }).then((gateway) => {
      ready = true;
      started.push(gateway);
      return gateway;
    });
    try {
      // Three times the statement timeout and far past the lock and idle timeouts.
      await sleep(3_000);
      expect(ready).toBe(false);
    } finally {
      await lock.release();
    }
    const gateway = await starting;
    expect((await call(gateway.url, 'GET', '/readyz')).status).toBe(200);
  }, 90_000);

  it('gives up at the start-up deadline with a message naming the migration lock', async () => {
    const lock = await holdMigrationLock();
    try {
      await expect(
        startCliGateway(databaseUrl, stateDir, {
          env: { ...tightBounds, ACTPASS_PG_STARTUP_TIMEOUT_MS: '1500' },
        }),
      ).rejects.toThrow(/migration lock/);
    } finally {
      await lock.release();
    }
  }, 90_000);
});
