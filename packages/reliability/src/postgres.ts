/**
 * The PostgreSQL variants run where the test command started a database (scripts/test.sh does, and
 * sets ACTPASS_TEST_DATABASE_URL). Each run gets a fresh database on that server, so ledgers of
 * earlier runs never enter an audit.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DATABASE_URL_ENV = 'ACTPASS_TEST_DATABASE_URL';

/**
 * Why the PostgreSQL variant cannot run here, or undefined when it can. In CI it must run, so there it
 * is never skipped: a missing database then fails the test that needs it, naming the variable.
 */
export function postgresUnavailable(): string | undefined {
  const url = process.env[DATABASE_URL_ENV];
  if (url && url !== '') return undefined;
  if (process.env.CI === 'true') return undefined;
  return `${DATABASE_URL_ENV} is not set (scripts/test.sh starts a PostgreSQL and sets it)`;
}

/** A new, empty database on the test server; `drop()` removes it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env[DATABASE_URL_ENV];
  if (!serverUrl) throw new Error(`${DATABASE_URL_ENV} must be set: CI runs the PostgreSQL variants`);
  const name = `actpass_reliability_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
