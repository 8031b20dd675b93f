/**
 * A real PostgreSQL for the store tests. With `ACTPASS_TEST_DATABASE_URL` set (scripts/test.sh does,
 * in CI too) the tests use that server; otherwise each file starts a throwaway server with
 * `scripts/postgres.sh`. Each file gets its own fresh database. These suites never skip: a machine
 * where PostgreSQL cannot start fails them, saying why.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { openPool, type Pool } from '../../src/store/postgres/index.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../../scripts/postgres.sh', import.meta.url));
const PORT_RANGE = [55000, 56000] as const;
const START_ATTEMPTS = 3;

export interface PostgresServer {
  /** URL of the server's `postgres` database. */
  url: string;
  dir: string;
  port: number;
  stop(): Promise<void>;
  /** Starts the same cluster again (same dir, same port) after `stop()`. */
  start(): Promise<void>;
}

/** Starts a throwaway server on a random loopback port (retrying on a port clash). */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'actpass-pg-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = randomInt(PORT_RANGE[0], PORT_RANGE[1]);
    const env = { ...process.env, ACTPASS_PG_PORT: String(port) };
    const start = async () => {
      const { stdout } = await run('bash', [SCRIPT, 'start', path.join(dir, 'db')], {
        env,
        timeout: 300_000,
      });
      return stdout.trim();
    };
    try {
      const url = await start();
      return {
        url,
        dir,
        port,
        start: async () => {
          await start();
        },
        stop: async () => {
          await run('bash', [SCRIPT, 'stop', path.join(dir, 'db')], { env });
        },
      };
    } catch (error) {
      lastError = error;
      await run('bash', [SCRIPT, 'stop', path.join(dir, 'db')], { env }).catch(() => undefined);
    }
  }
  throw new Error(
    `PostgreSQL could not be started for the store tests (set ACTPASS_TEST_DATABASE_URL to use an existing server): ${
      (lastError as { stderr?: string }).stderr ?? String(lastError)
    }`,
  );
}

export async function removeServer(server: PostgresServer): Promise<void> {
  await server.stop().catch(() => undefined);
  await rm(server.dir, { recursive: true, force: true });
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `actpass_test_${randomBytes(6).toString('hex')}`;
  const admin = await openPool(serverUrl, { max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(serverUrl, name),
    drop: async () => {
      const pool = await openPool(serverUrl, { max: 1 });
      try {
        await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await pool.end();
      }
    },
  };
}

export interface TestDatabase {
  /** URL of this file's own database. */
  url: string;
  /** URL of the server's `postgres` database, to create more databases. */
  serverUrl: string;
  /** Opens a pool on it, closed after the file (two pools stand in for two processes). */
  pool(max?: number): Promise<Pool>;
}

/**
 * Registers hooks that give the calling test file a fresh database (and, without
 * `ACTPASS_TEST_DATABASE_URL`, a server of its own). Read the fields inside tests, not at import.
 */
export function useTestDatabase(): TestDatabase {
  let server: PostgresServer | undefined;
  let serverUrl: string | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  const pools: Pool[] = [];
  const handle: TestDatabase = {
    get url() {
      if (!database) throw new Error('the test database is not ready: use it inside a test');
      return database.url;
    },
    get serverUrl() {
      if (!serverUrl) throw new Error('the test server is not ready: use it inside a test');
      return serverUrl;
    },
    async pool(max = 10) {
      const pool = await openPool(handle.url, { max });
      pools.push(pool);
      return pool;
    },
  };
  beforeAll(async () => {
    serverUrl = process.env.ACTPASS_TEST_DATABASE_URL;
    if (!serverUrl) {
      server = await startPostgres();
      serverUrl = server.url;
    }
    database = await createDatabase(serverUrl);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await database?.drop();
    if (server) await removeServer(server);
  }, 60_000);
  return handle;
}
