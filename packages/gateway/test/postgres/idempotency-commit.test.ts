/**
 * One durable flush per keyed request on PostgreSQL: the idempotency store's statements commit with
 * `synchronous_commit = off` for their own transaction only, so the ledger's commit is the one WAL
 * flush a keyed preflight waits for, and no pooled connection is left committing asynchronously.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LedgerKeyWitness } from '../../src/idempotency/index.js';
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

  it('claims keys arriving together in one statement; a key live elsewhere is still refused', async () => {
    const pool = await db.pool(4);
    await createPostgresStores({ pool });
    const statements: string[] = [];
    const counting = {
      query(text: string, values?: unknown[]) {
        statements.push(text.trim().split(/\s+/)[0] as string);
        return pool.query(text, values);
      },
    } as unknown as Pool;
    const store = new PostgresIdempotencyStore(counting);
    const scope = JSON.stringify(['acme', 'agent']);
    const now = Date.now();
    const live = `idem_${randomUUID()}`;
    expect((await store.begin(scope, live, 'a'.repeat(64), now, now + 60_000)).started).toBe(true);
    statements.length = 0;

    const keys = Array.from({ length: 20 }, () => `idem_${randomUUID()}`);
    const begun = await Promise.all([
      ...keys.map((key) => store.begin(scope, key, 'b'.repeat(64), now, now + 60_000)),
      store.begin(scope, live, 'a'.repeat(64), now, now + 60_000),
    ]);
    expect(begun.slice(0, 20).every((outcome) => outcome.started)).toBe(true);
    expect(begun[20]).toEqual({
      started: false,
      record: { fingerprint: 'a'.repeat(64), expires_at_ms: now + 60_000 },
    });
    // The first begin went at once; the other twenty queued behind it and went in one statement. The
    // live key, lost by its batch, was read alone (one more INSERT attempt, then its SELECT).
    expect(statements.filter((statement) => statement === 'INSERT')).toHaveLength(3);
    expect(statements.filter((statement) => statement === 'SELECT')).toHaveLength(1);

    // Each key is claimed exactly once: claiming them again finds them live.
    const again = await Promise.all(
      keys.map((key) => store.begin(scope, key, 'b'.repeat(64), now, now + 60_000)),
    );
    expect(again.every((outcome) => !outcome.started)).toBe(true);
  });

  it('answers a keyed preflight without waiting for its answer UPDATE; if that is lost, a retry elsewhere is refused, never decided again', async () => {
    const first = await createPostgresStores(db.url);
    const second = await createPostgresStores(db.url);
    // The answer's UPDATE never happens: what a gateway that died right after answering leaves behind.
    vi.spyOn(PostgresIdempotencyStore.prototype, 'complete').mockReturnValue(
      new Promise<void>(() => undefined),
    );
    // The claim speaks for the key here, so the ledger is never scanned for it.
    const asked = vi.spyOn(LedgerKeyWitness.prototype, 'decided');
    try {
      const a = testGateway({ stores: first });
      const key = `idem_${randomUUID()}`;
      const send = (t: typeof a) =>
        t.call('POST', PREFLIGHT, {
          key: t.keys.agent,
          body: refund(100),
          headers: { 'idempotency-key': key },
        });
      const answered = await send(a);
      expect(answered.status).toBe(200);
      // Here, the answer replays from memory while its UPDATE is pending.
      const replay = await send(a);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.evidence_event_id).toBe(answered.body.evidence_event_id);

      const b = testGateway({ stores: second });
      const retry = await send(b);
      expect(retry.status).toBe(409);
      expect(retry.body.error.code).toBe('request.idempotency_conflict');
      const decisions = (await b.ledger()).filter(
        (event) =>
          event.type === 'decision' &&
          event.data.idempotency_key_sha256 === createHash('sha256').update(key).digest('hex'),
      );
      expect(decisions).toHaveLength(1);
      expect(asked).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
      await first.close();
      await second.close();
    }
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
