/**
 * Hardening on PostgreSQL: an unwritable event fails alone in its batch, and the edge refuses
 * bodies without a canonical form before the database sees them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyStoredChain } from '../../src/ledger/index.js';
import {
  createPostgresStores,
  migrate,
  type Pool,
  PostgresLedgerStore,
} from '../../src/store/postgres/index.js';
import { refund, testGateway } from '../http/helpers.js';
import { appendBatchWithPoison } from '../ledger/helpers.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let pool: Pool;

beforeAll(async () => {
  pool = await db.pool();
  await migrate(pool);
});

let counter = 0;
const freshTenant = () => `hardening_${++counter}_${Date.now()}`;

describe('PostgreSQL hardening', () => {
  it('a batch with one event that cannot be serialised: the others are answered and stored', async () => {
    const tenant = freshTenant();
    const store = new PostgresLedgerStore(pool);
    // Occupy the tenant so the three appends queue up and commit together as one batch.
    const warmUp = store.append(tenant, { type: 'evidence', data: { i: 0 } });
    const [first, poisoned, third] = await appendBatchWithPoison(store, tenant);
    await warmUp;
    expect(first).toMatchObject({ status: 'fulfilled' });
    expect(poisoned).toMatchObject({ status: 'rejected' });
    expect(third).toMatchObject({ status: 'fulfilled' });
    const types = (await store.list(tenant)).map((event) => event.type);
    expect(types).toEqual(['evidence', 'evidence', 'evidence']);
    expect(await verifyStoredChain(store, tenant)).toMatchObject({ ok: true, head: { seq: 3 } });
  });

  it('bodies too deep or without a canonical form are 400 and never reach the database', async () => {
    const stores = await createPostgresStores({ pool });
    const { call, keys, ledger } = testGateway({ stores, tenants: [freshTenant(), freshTenant()] });
    const PREFLIGHT = '/api/v1/actions/preflight';
    expect((await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100) })).status).toBe(200);
    const before = (await ledger()).length;
    for (const rawBody of [
      `{"goal":"g","tool":"stripe.refund.create","args":{"x":${'['.repeat(2500)}${']'.repeat(2500)}}}`,
      '{"goal":"g","tool":"stripe.refund.create","args":{"amount":1e400}}',
      '{"goal":"g","tool":"stripe.refund.create","args":{"note":"\\ud800"}}',
    ]) {
      const { status, body } = await call('POST', PREFLIGHT, { key: keys.agent, rawBody });
      expect(status).toBe(400);
      expect(body.error.code).toBe('request.invalid');
    }
    expect((await ledger()).length).toBe(before);
  });

  it('records the writing key on every event and refuses gateway namespaces', async () => {
    const stores = await createPostgresStores({ pool });
    const { call, keys, ledger } = testGateway({ stores, tenants: [freshTenant(), freshTenant()] });
    await call('POST', '/api/v1/actions/preflight', { key: keys.agent, body: refund(100) });
    const forged = await call('POST', '/api/v1/evidence', {
      key: keys.agent,
      body: { type: 'decision.allow', data: {} },
    });
    expect(forged.status).toBe(400);
    const events = await ledger();
    expect(events.map((event) => event.data.written_by)).toEqual([
      { key_id: null, roles: ['gateway'] },
      { key_id: events[1]?.data.key_id, roles: ['agent'] },
    ]);
  });
});
