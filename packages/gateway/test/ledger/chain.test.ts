import { createHash } from 'node:crypto';
import { canonicalize } from '@actpass/sdk/canonical';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  hashEvent,
  LedgerInputError,
  MemoryLedgerStore,
  verifyChain,
  verifyStoredChain,
} from '../../src/ledger/index.js';
import { buildChain, fixedSources, TENANT, thaw } from './helpers.js';

describe('ledger events and chain', () => {
  it('starts at seq 1 on the genesis hash and hashes the canonical event without its hash', async () => {
    const store = new MemoryLedgerStore(fixedSources());
    const first = await store.append(TENANT, { type: 'evidence', data: { b: 1, a: [true, null] } });
    const second = await store.append(TENANT, { type: 'decision', data: {} });
    expect(first).toMatchObject({
      v: 1,
      seq: 1,
      tenant_id: TENANT,
      prev_hash: GENESIS_HASH,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(first.id).toMatch(/^ev_/);
    const { hash, ...rest } = first;
    expect(hash).toBe(createHash('sha256').update(canonicalize(rest)).digest('hex'));
    expect(second).toMatchObject({ seq: 2, prev_hash: first.hash });
    expect(await store.head(TENANT)).toEqual({ seq: 2, hash: second.hash });
    expect(await store.head('nobody')).toEqual({ seq: 0, hash: GENESIS_HASH });
  });

  it('stores a private, frozen copy of the data', async () => {
    const store = new MemoryLedgerStore();
    const data = { amount: 10, nested: { x: -0 } };
    const event = await store.append(TENANT, { type: 'evidence', data });
    data.amount = 999;
    expect(event.data).toEqual({ amount: 10, nested: { x: 0 } });
    expect(() => {
      (event.data as { amount: number }).amount = 1;
    }).toThrow(TypeError);
    expect((await verifyStoredChain(store, TENANT)).ok).toBe(true);
  });

  it('keeps tenants on separate chains', async () => {
    const store = new MemoryLedgerStore();
    await store.append('t1', { type: 'evidence', data: {} });
    const other = await store.append('t2', { type: 'evidence', data: {} });
    expect(other.seq).toBe(1);
    expect(await store.list('t1')).toHaveLength(1);
  });

  it('1,000 concurrent appends form one linear chain', async () => {
    const store = new MemoryLedgerStore();
    const events = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.append(TENANT, { type: 'evidence', data: { i } })),
    );
    expect(new Set(events.map((e) => e.seq)).size).toBe(1000);
    expect(await verifyStoredChain(store, TENANT)).toEqual({ ok: true, head: await store.head(TENANT) });
  });

  it('pages with afterSeq and limit (default 100, capped at 1000)', async () => {
    const store = new MemoryLedgerStore();
    for (let i = 0; i < 1200; i++) await store.append(TENANT, { type: 'evidence', data: { i } });
    expect((await store.list(TENANT)).map((e) => e.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect((await store.list(TENANT, { afterSeq: 1195, limit: 10 })).map((e) => e.seq)).toEqual([
      1196, 1197, 1198, 1199, 1200,
    ]);
    expect(await store.list(TENANT, { limit: 5000 })).toHaveLength(1000);
  });

  describe('refuses input that must not enter the ledger', () => {
    const store = new MemoryLedgerStore();
    it.each([
      [{ type: 'credential.stored', data: { name: 'stripe', value: 'sk_live_x' } }, /value/],
      [{ type: 'credential.stored', data: { secret: 'x' } }, /secret/],
      [{ type: 'credential.deleted', data: { plaintext: 'x' } }, /plaintext/],
      [
        { type: 'decision', data: { credential: { name: 'stripe', value: 'sk_live_x' } } },
        /credential.value/,
      ],
      [{ type: 'Decision', data: {} }, /type/],
      [{ type: 'evidence', data: [] }, /object/],
      [{ type: 'evidence', data: {}, at: 'yesterday' }, /ISO/],
    ])('%j', async (input, message) => {
      const attempt = store.append(TENANT, input as never);
      await expect(attempt).rejects.toThrow(LedgerInputError);
      await expect(attempt).rejects.toThrow(message);
      expect(await store.head(TENANT)).toMatchObject({ seq: 0 });
    });

    it('allows credential metadata', async () => {
      const event = await store.append('meta', {
        type: 'credential.stored',
        data: { name: 'stripe', version: 2 },
      });
      expect(event.seq).toBe(1);
    });
  });
});

describe('verifyChain detects tampering at the first broken seq', () => {
  it('accepts an intact chain and an empty one', async () => {
    const chain = await buildChain(10);
    expect(verifyChain(chain)).toEqual({ ok: true, head: { seq: 10, hash: chain[9]!.hash } });
    expect(verifyChain([])).toEqual({ ok: true, head: { seq: 0, hash: GENESIS_HASH } });
  });

  const cases: Array<[string, (events: ReturnType<typeof thaw>) => unknown[], number, string]> = [
    [
      'edited data',
      (e) => {
        e[4]!.data.n = 999;
        return e;
      },
      5,
      'hash_mismatch',
    ],
    [
      'edited type',
      (e) => {
        e[0]!.type = 'approval.approved';
        return e;
      },
      1,
      'hash_mismatch',
    ],
    [
      'edited and re-hashed',
      (e) => {
        e[4]!.data.n = 999;
        e[4]!.hash = hashEvent(e[4]!);
        return e;
      },
      6,
      'prev_hash_mismatch',
    ],
    [
      'edited last event, re-hashed',
      (e) => {
        e[9]!.data.n = 0;
        e[9]!.hash = hashEvent(e[9]!);
        return e;
      },
      10,
      'ok',
    ],
    [
      'reordered',
      (e) => {
        [e[3], e[4]] = [e[4]!, e[3]!];
        return e;
      },
      4,
      'seq_mismatch',
    ],
    [
      'deleted',
      (e) => {
        e.splice(6, 1);
        return e;
      },
      7,
      'seq_mismatch',
    ],
    ['deleted first', (e) => e.slice(1), 1, 'seq_mismatch'],
    [
      'inserted copy',
      (e) => {
        e.splice(3, 0, { ...e[2]! });
        return e;
      },
      4,
      'seq_mismatch',
    ],
    [
      'inserted forged event',
      (e) => {
        const forged = { ...e[2]!, seq: 3, id: 'ev_forged', prev_hash: e[1]!.hash };
        forged.hash = hashEvent(forged);
        e.splice(2, 0, forged);
        return e;
      },
      4,
      'seq_mismatch',
    ],
    [
      'wrong genesis',
      (e) => {
        e[0]!.prev_hash = 'f'.repeat(64);
        e[0]!.hash = hashEvent(e[0]!);
        return e;
      },
      1,
      'prev_hash_mismatch',
    ],
    [
      'event of another tenant',
      (e) => {
        e[2]!.tenant_id = 'tenant_b';
        e[2]!.hash = hashEvent(e[2]!);
        return e;
      },
      3,
      'wrong_tenant',
    ],
    [
      'extra member',
      (e) => {
        (e[1] as unknown as Record<string, unknown>).extra = 1;
        return e;
      },
      2,
      'malformed_event',
    ],
    [
      'not an object',
      (e) => {
        (e as unknown[])[2] = 'event';
        return e;
      },
      3,
      'malformed_event',
    ],
    [
      'lone surrogate in data',
      (e) => {
        e[1]!.data.note = '\ud800';
        return e;
      },
      2,
      'hash_mismatch',
    ],
  ];

  for (const [name, tamper, seq, reason] of cases) {
    it(name, async () => {
      const result = verifyChain(tamper(thaw(await buildChain(10))));
      if (reason === 'ok') {
        // Without a known head, rewriting the newest event is undetectable: that is what signed heads are for.
        expect(result.ok).toBe(true);
        return;
      }
      expect(result).toMatchObject({ ok: false, first_broken_seq: seq, reason });
    });
  }

  it('detects a truncated tail or a rewritten head only against a known head', async () => {
    const chain = await buildChain(10);
    const knownHead = { seq: 8, hash: chain[7]!.hash };
    expect(verifyChain(chain.slice(0, 6))).toMatchObject({ ok: true });
    expect(verifyChain(chain.slice(0, 6), { expectedHead: knownHead })).toMatchObject({
      ok: false,
      first_broken_seq: 7,
      reason: 'truncated',
    });
    expect(verifyChain(chain, { expectedHead: knownHead })).toMatchObject({ ok: true });
    const rewritten = thaw(chain);
    rewritten[7]!.data.n = -1;
    rewritten[7]!.hash = hashEvent(rewritten[7]!);
    expect(verifyChain(rewritten.slice(0, 8), { expectedHead: knownHead })).toMatchObject({
      ok: false,
      first_broken_seq: 8,
      reason: 'head_mismatch',
    });
  });
});
