/** The insert-if-absent and compare-and-set stores: the ones whose answers must hold across processes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { JTI_PURGE_EVERY_CLAIMS } from '../../src/constants.js';
import {
  migrate,
  type Pool,
  PostgresApprovalStore,
  PostgresIdempotencyStore,
  PostgresJtiClaimStore,
} from '../../src/store/postgres/index.js';
import type { ApprovalRecord } from '../../src/store/types.js';
import { useTestDatabase } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const db = useTestDatabase();
let pools: [Pool, Pool];

beforeAll(async () => {
  pools = [await db.pool(), await db.pool()];
  await migrate(pools[0]);
});

let counter = 0;
const unique = (prefix: string) => `${prefix}_${++counter}_${Date.now()}`;

describe('PostgresJtiClaimStore', () => {
  it('claims a jti once per tenant and reports it without consuming', async () => {
    const store = new PostgresJtiClaimStore(pools[0]);
    const jti = unique('ap');
    expect(await store.isClaimed('t1', jti)).toBe(false);
    expect(await store.claim('t1', jti, 2_000_000_000)).toBe(true);
    expect(await store.claim('t1', jti, 2_000_000_000)).toBe(false);
    expect(await store.isClaimed('t1', jti)).toBe(true);
    // Another tenant's jti with the same text is a different passport.
    expect(await store.claim('t2', jti, 2_000_000_000)).toBe(true);
  });

  it('50 concurrent claims of one jti from two pools: exactly one wins', async () => {
    const stores = pools.map((pool) => new PostgresJtiClaimStore(pool));
    const jti = unique('ap');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 2]!.claim('t1', jti, 2_000_000_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('revokes, replaces a revocation, and keeps a revocation without expiry through purges', async () => {
    const store = new PostgresJtiClaimStore(pools[0]);
    const [forever, expiring, claimed] = [unique('ap'), unique('ap'), unique('ap')];
    expect(await store.isRevoked('t1', forever)).toBe(false);
    await store.revoke('t1', forever, 'leaked');
    await store.revoke('t1', forever, 'leaked again');
    await store.revoke('t1', expiring, 'done', 100.5);
    await store.claim('t1', claimed, 100);
    expect(await store.isRevoked('t1', forever)).toBe(true);
    expect(await store.isRevoked('t2', forever)).toBe(false);
    // Strictly-before semantics, as in the memory store: a record expiring at `now` stays.
    expect(await store.purgeExpired(100)).toBe(0);
    expect(await store.purgeExpired(101)).toBeGreaterThanOrEqual(2);
    expect(await store.isRevoked('t1', expiring)).toBe(false);
    expect(await store.isClaimed('t1', claimed)).toBe(false);
    expect(await store.isRevoked('t1', forever)).toBe(true);
  });
});

describe('PostgresJtiClaimStore housekeeping', () => {
  it('purges expired records by itself every so many claims, as the memory store does', async () => {
    const store = new PostgresJtiClaimStore(pools[0], { nowSeconds: () => 1_000 });
    const stale = unique('ap');
    await store.claim('t1', stale, 999);
    await Promise.all(
      Array.from({ length: JTI_PURGE_EVERY_CLAIMS - 1 }, () =>
        store.claim('t1', unique('ap'), 2_000_000_000),
      ),
    );
    for (let i = 0; i < 50 && (await store.isClaimed('t1', stale)); i++) await sleep(20);
    expect(await store.isClaimed('t1', stale)).toBe(false);
  }, 20_000);
});

function approval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: unique('apr'),
    tenant_id: 't1',
    status: 'pending',
    action: {
      tenant_id: 't1',
      agent_id: 'agent_1',
      user_id: null,
      goal: 'refund order 42',
      tool: 'stripe.refund',
      resource: 'order:42',
      args: { amount: 25_000, note: 'odd text \u0000 \ud83d\ude00' },
    },
    action_hash: 'a'.repeat(64),
    reason_code: 'refund.medium_needs_approval',
    risk_tier: 'medium',
    created_at: '2026-01-01T00:00:00.000Z',
    expires_at: '2026-01-02T00:00:00.000Z',
    requested_by_key: 'key_abc',
    ...overrides,
  };
}

describe('PostgresApprovalStore', () => {
  it('stores and reads a record exactly, per tenant', async () => {
    const store = new PostgresApprovalStore(pools[0]);
    const record = approval({ passport: { jti: 'ap_1', claims: { jti: 'ap_1' } as never } });
    await store.create(record);
    expect(await store.get('t1', record.id)).toEqual(record);
    expect(await store.get('t2', record.id)).toBeUndefined();
    expect(await store.get('t1', 'apr_missing')).toBeUndefined();
  });

  it('lists newest first, filtered by status, up to the limit', async () => {
    const store = new PostgresApprovalStore(pools[0]);
    const tenant = unique('tenant');
    const records = [1, 2, 3, 4].map((n) =>
      approval({ tenant_id: tenant, status: n === 2 ? 'denied' : 'pending' }),
    );
    for (const record of records) await store.create(record);
    await store.create(approval({ tenant_id: unique('other') }));
    expect((await store.list(tenant, { limit: 10 })).map((r) => r.id)).toEqual(
      records.map((r) => r.id).reverse(),
    );
    expect((await store.list(tenant, { limit: 2 })).map((r) => r.id)).toEqual([
      records[3]!.id,
      records[2]!.id,
    ]);
    expect((await store.list(tenant, { status: 'denied', limit: 10 })).map((r) => r.id)).toEqual([
      records[1]!.id,
    ]);
  });

  it('transitions only from the expected status and applies the patch', async () => {
    const store = new PostgresApprovalStore(pools[0]);
    const record = approval();
    await store.create(record);
    const patch = {
      status: 'approved' as const,
      decided_by: 'key_approver',
      decided_at: '2026-01-01T00:01:00.000Z',
    };
    expect(await store.transition('t1', record.id, 'denied', patch)).toBeUndefined();
    expect(await store.transition('t2', record.id, 'pending', patch)).toBeUndefined();
    const approved = await store.transition('t1', record.id, 'pending', {
      ...patch,
      id: 'apr_other',
    } as never);
    expect(approved).toEqual({ ...record, ...patch });
    expect(await store.get('t1', record.id)).toEqual({ ...record, ...patch });
    expect(await store.transition('t1', record.id, 'pending', { status: 'denied' })).toBeUndefined();
  });

  it('an approval is used once, whichever of 20 concurrent re-runs on two pools asks', async () => {
    const stores = pools.map((pool) => new PostgresApprovalStore(pool));
    const record = approval({ status: 'approved' });
    await stores[0]!.create(record);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 2]!.transition('t1', record.id, 'approved', { status: 'used', used_at: `t${i}` }),
      ),
    );
    const winners = results.filter((result) => result !== undefined);
    expect(winners).toHaveLength(1);
    expect(await stores[1]!.get('t1', record.id)).toEqual(winners[0]);
  });

  it('two approvers racing: one approves, the other finds it decided', async () => {
    const stores = pools.map((pool) => new PostgresApprovalStore(pool));
    const record = approval();
    await stores[0]!.create(record);
    const [approve, deny] = await Promise.all([
      stores[0]!.transition('t1', record.id, 'pending', { status: 'approved' }),
      stores[1]!.transition('t1', record.id, 'pending', { status: 'denied' }),
    ]);
    expect([approve, deny].filter((result) => result !== undefined)).toHaveLength(1);
  });
});

describe('PostgresIdempotencyStore', () => {
  it('begins once, replays the in-flight and completed record, and releases', async () => {
    const store = new PostgresIdempotencyStore(pools[0]);
    const key = unique('key');
    expect(await store.begin('t1', key, 'fp1', 1_000, 2_000)).toEqual({ started: true });
    expect(await store.begin('t1', key, 'fp2', 1_500, 2_500)).toEqual({
      started: false,
      record: { fingerprint: 'fp1', expires_at_ms: 2_000 },
    });
    // Another scope with the same key is independent.
    expect(await store.begin('t2', key, 'fp1', 1_000, 2_000)).toEqual({ started: true });
    const response = { status: 200, body: '{"decision":"allow","odd":"\u0000"}' };
    await store.complete('t1', key, response);
    expect(await store.begin('t1', key, 'fp1', 1_600, 2_600)).toEqual({
      started: false,
      record: { fingerprint: 'fp1', response, expires_at_ms: 2_000 },
    });
    await store.release('t1', key);
    expect(await store.begin('t1', key, 'fp3', 1_700, 2_700)).toEqual({ started: true });
  });

  it('treats an expired record as absent', async () => {
    const store = new PostgresIdempotencyStore(pools[0]);
    const key = unique('key');
    await store.begin('t1', key, 'fp1', 1_000, 2_000);
    await store.complete('t1', key, { status: 200, body: '{}' });
    expect(await store.begin('t1', key, 'fp2', 2_000, 3_000)).toEqual({ started: true });
    expect(await store.begin('t1', key, 'fp2', 2_001, 3_001)).toEqual({
      started: false,
      record: { fingerprint: 'fp2', expires_at_ms: 3_000 },
    });
  });

  it('completing or releasing an unknown key changes nothing', async () => {
    const store = new PostgresIdempotencyStore(pools[0]);
    const key = unique('key');
    await store.complete('t1', key, { status: 200, body: '{}' });
    await store.release('t1', key);
    expect(await store.begin('t1', key, 'fp', 1, 2)).toEqual({ started: true });
  });

  it('concurrent begins from two pools: exactly one starts, the rest see its record', async () => {
    const stores = pools.map((pool) => new PostgresIdempotencyStore(pool));
    const key = unique('key');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stores[i % 2]!.begin('t1', key, 'fp', 1_000, 2_000)),
    );
    expect(results.filter((result) => result.started)).toHaveLength(1);
    for (const result of results) {
      if (!result.started) expect(result.record).toEqual({ fingerprint: 'fp', expires_at_ms: 2_000 });
    }
  });

  it('concurrent takeovers of an expired key: exactly one starts', async () => {
    const stores = pools.map((pool) => new PostgresIdempotencyStore(pool));
    const key = unique('key');
    await stores[0]!.begin('t1', key, 'old', 1_000, 2_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.begin('t1', key, 'new', 5_000, 6_000)),
    );
    expect(results.filter((result) => result.started)).toHaveLength(1);
  });
});
