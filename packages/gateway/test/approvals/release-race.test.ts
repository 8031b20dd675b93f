/**
 * Releasing an approved action is a race only one re-run may win: two re-runs of one
 * approved request, interleaved at the store boundary by a barrier, give exactly one `allow`; the
 * other is `approval.expired` ("used by a concurrent re-run"). Run on the memory, file and PostgreSQL
 * approval stores, with the barrier at the read (both see `approved`) and at the compare-and-set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileApprovalStore, MemoryApprovalStore, stateFiles } from '../../src/store/index.js';
import {
  createPostgresStores,
  migrate,
  type Pool,
  PostgresApprovalStore,
} from '../../src/store/postgres/index.js';
import type { ApprovalStore } from '../../src/store/types.js';
import { refund, type TestGateway, testGateway } from '../http/helpers.js';
import { useTestDatabase } from '../postgres/helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
type Method = 'get' | 'transition';

/**
 * An approval store whose `method`, once armed, holds its first two callers until both have arrived,
 * then lets them go together: the two re-runs are interleaved exactly there.
 */
function withBarrier(store: ApprovalStore, method: Method): { store: ApprovalStore; arm(): void } {
  let armed = false;
  let arrived: Array<() => void> = [];
  const proxy = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        if (armed) {
          await new Promise<void>((release) => {
            arrived.push(release);
            if (arrived.length === 2) {
              armed = false;
              for (const go of arrived) go();
            }
          });
        }
        return value.apply(target, args);
      };
    },
  });
  return {
    store: proxy,
    arm: () => {
      armed = true;
      arrived = [];
    },
  };
}

const db = useTestDatabase();
let pool: Pool;
const dirs: string[] = [];
beforeAll(async () => {
  pool = await db.pool();
  await migrate(pool);
}, 300_000);
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

let counter = 0;
const stores: Array<[string, (method: Method) => Promise<{ t: TestGateway; arm(): void }>]> = [
  [
    'memory',
    async (method) => {
      const barrier = withBarrier(new MemoryApprovalStore(), method);
      return { t: testGateway({ stores: { approvals: barrier.store } }), arm: barrier.arm };
    },
  ],
  [
    'file',
    async (method) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'actpass-race-'));
      dirs.push(dir);
      const barrier = withBarrier(new FileApprovalStore(stateFiles(dir).approvals), method);
      return { t: testGateway({ dir, stores: { approvals: barrier.store } }), arm: barrier.arm };
    },
  ],
  [
    'postgres',
    async (method) => {
      const barrier = withBarrier(new PostgresApprovalStore(pool), method);
      const stores = { ...(await createPostgresStores({ pool })), approvals: barrier.store };
      const tenants = [`race_${++counter}_${Date.now()}`, `race_other_${counter}_${Date.now()}`];
      return { t: testGateway({ stores, tenants }), arm: barrier.arm };
    },
  ],
];

describe.each(stores)('two re-runs of one approved request (%s)', (_name, open) => {
  it.each(['get', 'transition'] as const)('interleaved at %s: exactly one allow', async (method) => {
    const { t, arm } = await open(method);
    const action = refund(25_000);
    const held = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: action });
    expect(held.body.decision).toBe('require_approval');
    const id = held.body.approval_request_id as string;
    const approved = await t.call('POST', `/api/v1/approvals/${id}/approve`, {
      key: t.keys.approver,
      body: {},
    });
    expect(approved.body.status).toBe('approved');

    arm();
    const reruns = await Promise.all(
      [0, 1].map(() =>
        t.call('POST', PREFLIGHT, { key: t.keys.agent, body: { ...action, approval_request_id: id } }),
      ),
    );
    const answers = reruns.map((rerun) => `${rerun.body.decision}/${rerun.body.reason_code}`).sort();
    expect(answers).toEqual(['allow/approval.granted', 'deny/approval.expired']);
    // The loser had read the approval as approved too: it lost the compare-and-set, not the lookup.
    const loser = reruns.find((rerun) => rerun.body.decision === 'deny');
    expect(loser?.body.explain.summary).toContain('used by a concurrent re-run');

    const granted = (await t.ledger()).filter(
      (event) =>
        event.type === 'decision' && event.data.approval_request_id === id && event.data.decision === 'allow',
    );
    expect(granted).toHaveLength(1);
    expect((await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver })).body.status).toBe(
      'used',
    );
  });
});
