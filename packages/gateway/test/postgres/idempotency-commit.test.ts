/**
 * One durable flush per keyed request on PostgreSQL: the idempotency store's statements commit with
 * `synchronous_commit = off` for their own transaction only, so the ledger's commit is the one WAL
 * flush a keyed preflight waits for, and no pooled connection is left committing asynchronously.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type PostgresStores } from '../../src/index.js';
import { type Pool, PostgresIdempotencyStore } from '../../src/store/postgres/index.js';
import { refund, testGateway } from '../http/helpers.js';
import { useTestDatabase } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

/**
 * A pool whose every statement runs inside an explicit transaction that reports, just before COMMIT,
 * the `synchronous_commit` that COMMIT will use.
 */
function probingPool(pool: Pool, seen: Array<{ text: string; commit: string }>) {
  return {
    async query(text: string, values?: unknown[]) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await client.query(text, values);
        const { rows } = await client.query<{ s: string }>(
          "SELECT current_setting('synchronous_commit') AS s",
        );
        await client.query('COMMIT');
        seen.push({ text, commit: rows[0]?.s ?? '' });
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  } as unknown as Pool;
}

describe('PostgreSQL idempotency records: no flush of their own', () => {
  const db = useTestDatabase();
  let stores: PostgresStores | undefined;

  afterAll(async () => {
    await stores?.close();
  });

  it('claims and answers commit asynchronously; the statement leaves the connection as it was', async () => {
    const pool = await db.pool(1);
    stores = await createPostgresStores({ pool }); // applies the schema
    const seen: Array<{ text: string; commit: string }> = [];
    const store = new PostgresIdempotencyStore(probingPool(pool, seen));
    const scope = JSON.stringify(['acme', 'agent']);
    const key = `idem_${randomUUID()}`;

    expect(await store.begin(scope, key, 'f'.repeat(64), Date.now(), Date.now() + 60_000)).toEqual({
      started: true,
    });
    await store.complete(scope, key, { status: 200, body: '{}' });
    const writes = seen.filter(({ text }) => /^\s*(INSERT|UPDATE)/.test(text));
    expect(writes.map(({ text, commit }) => [text.trim().split(/\s+/)[0], commit])).toEqual([
      ['INSERT', 'off'],
      ['UPDATE', 'off'],
    ]);

    // The pool's only connection served both; its own setting (what the ledger's COMMIT uses) is on.
    const { rows } = await pool.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s");
    expect(rows[0]?.s).toBe('on');
  });

  it('keyed preflights through a one-connection pool leave every later commit synchronous', async () => {
    const pool = await db.pool(1);
    const shared = await createPostgresStores({ pool });
    const t = testGateway({ stores: shared });
    const answered = async () => {
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM actpass_idempotency WHERE response IS NOT NULL',
      );
      return Number(rows[0]?.n);
    };
    const before = await answered();
    for (let i = 0; i < 5; i++) {
      const answer = await t.call('POST', PREFLIGHT, {
        key: t.keys.agent,
        body: refund(100),
        headers: { 'idempotency-key': `idem_${randomUUID()}` },
      });
      expect(answer.status).toBe(200);
    }
    const { rows } = await pool.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s");
    expect(rows[0]?.s).toBe('on');
    expect((await answered()) - before).toBe(5);
    await t.gateway.close();
  });
});
