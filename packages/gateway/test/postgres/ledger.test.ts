import { canonicalize } from '@actpass/sdk/canonical';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_LOCK_NAMESPACE } from '../../src/constants.js';
import {
  type AppendInput,
  GENESIS_HASH,
  hashEvent,
  LedgerInputError,
  MemoryLedgerStore,
  verifyStoredChain,
} from '../../src/ledger/index.js';
import { migrate, type Pool, PostgresLedgerStore } from '../../src/store/postgres/index.js';
import { fixedSources, TENANT } from '../ledger/helpers.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let pool: Pool;
let otherPool: Pool;

beforeAll(async () => {
  pool = await db.pool();
  otherPool = await db.pool();
  await migrate(pool);
});

let tenantCounter = 0;
const freshTenant = () => `tenant_${++tenantCounter}_${Date.now()}`;

describe('PostgresLedgerStore', () => {
  it('seals the same events as the memory store, byte for byte', async () => {
    const tenant = freshTenant();
    const memory = new MemoryLedgerStore(fixedSources());
    const postgres = new PostgresLedgerStore(pool, fixedSources());
    const inputs: AppendInput[] = [
      { type: 'decision', data: { amount: 4900, nested: { z: 1, a: [1.5, -0, 1e21, 'é𝄞'] } } },
      { type: 'evidence', data: { note: 'nul \u0000 and emoji 😀', big: 9007199254740991 } },
      { type: 'approval.requested', data: {} },
    ];
    for (const input of inputs) {
      const expected = await memory.append(tenant, input);
      const stored = await postgres.append(tenant, input);
      expect(stored).toEqual(expected);
      expect(hashEvent(stored)).toBe(stored.hash);
    }
    const listed = await postgres.list(tenant);
    expect(listed).toEqual(await memory.list(tenant));
    expect(listed.map((event) => canonicalize(event))).toEqual(
      (await memory.list(tenant)).map((e) => canonicalize(e)),
    );
    expect(Object.isFrozen(listed[0]!.data)).toBe(true);
  });

  it('finds an event by id within its tenant only, as findEvent does through events()', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    const first = await store.append(tenant, { type: 'decision', data: { i: 1 } });
    const second = await store.append(tenant, { type: 'evidence', data: { i: 2 } });
    expect(await store.find(tenant, second.id)).toEqual(second);
    expect(await store.find(tenant, first.id)).toEqual(first);
    expect(await store.find(freshTenant(), first.id)).toBeNull();
    expect(await store.find(tenant, "ev_' OR '1'='1")).toBeNull();
  });

  it('starts at the genesis head and links each event to the previous one', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    expect(await store.head(tenant)).toEqual({ seq: 0, hash: GENESIS_HASH });
    const first = await store.append(tenant, { type: 'evidence', data: { i: 1 } });
    const second = await store.append(tenant, { type: 'evidence', data: { i: 2 } });
    expect(first).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH, tenant_id: tenant });
    expect(second).toMatchObject({ seq: 2, prev_hash: first.hash });
    expect(await store.head(tenant)).toEqual({ seq: 2, hash: second.hash });
  });

  it('keeps tenants apart', async () => {
    const [a, b] = [freshTenant(), freshTenant()];
    const store = new PostgresLedgerStore(pool);
    await store.append(a, { type: 'evidence', data: { who: 'a' } });
    await store.append(b, { type: 'evidence', data: { who: 'b' } });
    await store.append(a, { type: 'evidence', data: { who: 'a' } });
    expect((await store.list(a)).map((event) => event.data.who)).toEqual(['a', 'a']);
    expect((await store.list(b)).map((event) => [event.seq, event.data.who])).toEqual([[1, 'b']]);
  });

  it('pages like the memory store, including odd cursors', async () => {
    const tenant = freshTenant();
    const memory = new MemoryLedgerStore(fixedSources());
    const postgres = new PostgresLedgerStore(pool, fixedSources());
    for (let i = 0; i < 12; i++) {
      await memory.append(tenant, { type: 'evidence', data: { i } });
      await postgres.append(tenant, { type: 'evidence', data: { i } });
    }
    const windows = [
      {},
      { afterSeq: 5 },
      { afterSeq: 5, limit: 3 },
      { limit: 0 },
      { afterSeq: -3, limit: 2.7 },
    ];
    for (const options of [...windows, { afterSeq: Number.NaN }, { afterSeq: 1e20 }, { afterSeq: 12 }]) {
      expect(await postgres.list(tenant, options)).toEqual(await memory.list(tenant, options));
    }
  });

  it('streams every event in seq order across pages', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.append(tenant, { type: 'evidence', data: { i } })),
    );
    const seqs: number[] = [];
    for await (const event of store.events(tenant)) seqs.push(event.seq);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('refuses secret-looking data without touching the database', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    await expect(
      store.append(tenant, { type: 'credential.stored', data: { value: 's3cret' } }),
    ).rejects.toThrow(LedgerInputError);
    await expect(store.append(tenant, { type: 'Not A Type', data: {} })).rejects.toThrow(LedgerInputError);
    expect(await store.head(tenant)).toEqual({ seq: 0, hash: GENESIS_HASH });
  });

  it('200 concurrent appends from two pools form one linear chain with no gap, fork or duplicate', async () => {
    const tenant = freshTenant();
    const stores = [new PostgresLedgerStore(pool), new PostgresLedgerStore(otherPool)];
    const acknowledged = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stores[i % 2]!.append(tenant, { type: 'decision', data: { i } })),
    );
    expect(new Set(acknowledged.map((event) => event.seq)).size).toBe(200);
    expect(await verifyStoredChain(stores[0]!, tenant)).toMatchObject({ ok: true, head: { seq: 200 } });
    const stored = await stores[1]!.list(tenant, { limit: 1000 });
    expect(stored.map((event) => event.data.i).sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    // Every acknowledged event is stored exactly as it was handed out.
    const bySeq = new Map(stored.map((event) => [event.seq, event]));
    for (const event of acknowledged) expect(bySeq.get(event.seq)).toEqual(event);
  }, 30_000);

  it('records the data as it was when append was called, even if the caller mutates it while it waits', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    const data = { step: 'before' };
    const pending = Array.from({ length: 5 }, () => store.append(tenant, { type: 'evidence', data }));
    data.step = 'after';
    for (const event of await Promise.all(pending)) expect(event.data).toEqual({ step: 'before' });
  });

  it('an event that cannot be sealed fails alone, not the others committed with it', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.append(tenant, { type: 'evidence', data: { i, text: i === 7 ? 'lone \ud800' : 'fine' } }),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
    expect(results[7]!.status).toBe('rejected');
    expect(await verifyStoredChain(store, tenant)).toMatchObject({ ok: true, head: { seq: 19 } });
  });

  it('appends for different tenants do not wait on each other', async () => {
    const [slow, fast] = [freshTenant(), freshTenant()];
    const store = new PostgresLedgerStore(pool);
    const blocker = await otherPool.connect();
    try {
      // Hold the slow tenant's append lock, as a long append in another process would.
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LEDGER_LOCK_NAMESPACE, slow]);
      const waiting = store.append(slow, { type: 'evidence', data: {} });
      const other = await store.append(fast, { type: 'evidence', data: {} });
      expect(other.seq).toBe(1);
      let settled = false;
      void waiting.finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      await blocker.query('COMMIT');
      expect((await waiting).seq).toBe(1);
    } finally {
      blocker.release();
    }
  });

  it('refuses to store a second event at a taken seq even if locking were bypassed', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    const first = await store.append(tenant, { type: 'evidence', data: {} });
    await expect(
      pool.query(
        'INSERT INTO actpass_ledger_events (tenant_id, seq, id, hash, event) VALUES ($1, 1, $2, $3, $4)',
        [tenant, 'ev_forged', first.hash, '{}'],
      ),
    ).rejects.toThrow(/duplicate key/);
  });
});

describe('PostgresLedgerStore with the same fixtures as the ledger tests', () => {
  it('verifies a chain it wrote', async () => {
    const store = new PostgresLedgerStore(pool, fixedSources());
    const tenant = `${TENANT}_${Date.now()}`;
    for (let i = 1; i <= 5; i++) await store.append(tenant, { type: 'evidence', data: { i } });
    expect(await verifyStoredChain(store, tenant)).toMatchObject({ ok: true, head: { seq: 5 } });
  });
});
