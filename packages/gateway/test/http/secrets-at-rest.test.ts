/**
 * A credential's value is at rest only inside its vault envelope: answers remembered for an
 * Idempotency-Key keep the credential's name, never its value, and a replay leases it again only
 * while the credential still exists and is still bound to the tool.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type PostgresStores } from '../../src/index.js';
import { useTestDatabase } from '../postgres/helpers.js';
import { refund, type TestGateway, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const GUARDED_ALLOWS = 1000;
const CONCURRENCY = 50;
const SLOW_TEST_MS = 120_000;
const SECRET = `rk_live_at_rest_${randomUUID().replaceAll('-', '')}`;

async function storeCredential(t: TestGateway, boundTools = ['stripe.refund.*']): Promise<void> {
  const stored = await t.call('PUT', '/api/v1/credentials/stripe_key', {
    key: t.keys.admin,
    body: { value: SECRET, bound_tools: boundTools },
  });
  expect(stored.status).toBe(200);
}

/** What `guard()` sends: one preflight per call, each with its own Idempotency-Key. */
function keyedPreflight(t: TestGateway, key: string, amount = 100) {
  return t.call('POST', PREFLIGHT, {
    key: t.keys.agent,
    body: refund(amount),
    headers: { 'idempotency-key': key },
  });
}

async function runGuardedAllows(t: TestGateway): Promise<string[]> {
  const keys = Array.from({ length: GUARDED_ALLOWS }, () => `idem_${randomUUID()}`);
  for (let start = 0; start < keys.length; start += CONCURRENCY) {
    const answers = await Promise.all(
      keys.slice(start, start + CONCURRENCY).map((k) => keyedPreflight(t, k)),
    );
    for (const answer of answers) {
      expect(answer.body.decision).toBe('allow');
      expect(answer.body.credential).toMatchObject({ name: 'stripe_key', value: SECRET });
    }
  }
  return keys;
}

/** Replays after the credential is gone, then after it is bound to other tools only. */
async function expectReplaysFollowTheVault(t: TestGateway, keys: string[]): Promise<void> {
  const live = await keyedPreflight(t, keys[0] as string);
  expect(live.headers.get('idempotent-replayed')).toBe('true');
  expect(live.body.credential).toMatchObject({ name: 'stripe_key', value: SECRET });

  await storeCredential(t, ['github.*']);
  const unbound = await keyedPreflight(t, keys[1] as string);
  expect(unbound.headers.get('idempotent-replayed')).toBe('true');
  expect(unbound.body.decision).toBe('allow');
  expect(unbound.body.credential).toBeUndefined();

  await storeCredential(t);
  const deleted = await t.call('DELETE', '/api/v1/credentials/stripe_key', { key: t.keys.admin });
  expect(deleted.status).toBe(200);
  const replay = await keyedPreflight(t, keys[2] as string);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.body.decision).toBe('allow');
  expect(replay.body.credential).toBeUndefined();
  expect(JSON.stringify(replay.body)).not.toContain(SECRET);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('no credential value at rest: file stores', () => {
  let dir: string;
  let t: TestGateway | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'actpass-at-rest-'));
  });
  afterEach(async () => {
    await t?.gateway.close();
    t = undefined;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    `keeps the value out of every file in the data directory after ${GUARDED_ALLOWS} guarded allows`,
    async () => {
      t = testGateway({ dir });
      await storeCredential(t);
      const keys = await runGuardedAllows(t);
      await t.gateway.close();

      const files = await filesUnder(dir);
      expect(files.map((file) => path.basename(file))).toContain('idempotency.jsonl');
      for (const file of files) {
        const bytes = await readFile(file);
        expect(bytes.includes(SECRET), `${file} holds the secret`).toBe(false);
      }

      // After a restart the replay is served from the journal, and still follows the vault.
      t = testGateway({ dir });
      await expectReplaysFollowTheVault(t, keys);
    },
    SLOW_TEST_MS,
  );
});

describe('no credential value at rest: memory stores', () => {
  it(
    'replays lease again, and carry nothing once the credential is deleted or unbound',
    async () => {
      const t = testGateway();
      await storeCredential(t);
      const keys = [`idem_${randomUUID()}`, `idem_${randomUUID()}`, `idem_${randomUUID()}`];
      for (const key of keys) expect((await keyedPreflight(t, key)).body.credential?.value).toBe(SECRET);
      await expectReplaysFollowTheVault(t, keys);
    },
    SLOW_TEST_MS,
  );
});

describe('no credential value at rest: PostgreSQL stores', () => {
  const db = useTestDatabase();
  let stores: PostgresStores | undefined;

  afterAll(async () => {
    await stores?.close();
  });

  it(
    `keeps the value out of every row of every table after ${GUARDED_ALLOWS} guarded allows`,
    async () => {
      stores = await createPostgresStores(db.url);
      const t = testGateway({ stores });
      await storeCredential(t);
      const keys = await runGuardedAllows(t);

      const pool = await db.pool(1);
      const { rows: tables } = await pool.query<{ name: string }>(
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.map((table) => table.name)).toContain('actpass_idempotency');
      for (const { name } of tables) {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${name} AS t WHERE strpos(t::text, $1) > 0`,
          [SECRET],
        );
        expect(Number(rows[0]?.n), `${name} holds the secret`).toBe(0);
      }
      const { rows: remembered } = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM actpass_idempotency WHERE response IS NOT NULL',
      );
      expect(Number(remembered[0]?.n)).toBeGreaterThanOrEqual(GUARDED_ALLOWS);

      await expectReplaysFollowTheVault(t, keys);
    },
    SLOW_TEST_MS,
  );
});
