/**
 * State changes happen only together with their ledger event: with the ledger refusing
 * appends, a credential write or delete, an approval decision, a passport burn, an approval's one run,
 * a revocation and a policy change all answer 503 and leave nothing behind, on every store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFileStores,
  createMemoryStores,
  createPostgresStores,
  type GatewayStores,
} from '../../src/index.js';
import type { AppendInput, LedgerEvent } from '../../src/ledger/event.js';
import type { LedgerStore } from '../../src/ledger/index.js';
import { useTestDatabase } from '../postgres/helpers.js';
import { REFUND, refund, type TestGateway, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

/** A ledger that refuses every append while `down` is set, as a full disk or a lost database would. */
class SwitchableLedger implements LedgerStore {
  down = false;
  constructor(private readonly inner: LedgerStore) {}
  append(tenantId: string, input: AppendInput): Promise<LedgerEvent> {
    if (this.down) return Promise.reject(new Error('ledger refused the append (test)'));
    return this.inner.append(tenantId, input);
  }
  list(...args: Parameters<LedgerStore['list']>) {
    return this.inner.list(...args);
  }
  head(tenantId: string) {
    return this.inner.head(tenantId);
  }
  events(tenantId: string) {
    return this.inner.events(tenantId);
  }
  async close(): Promise<void> {
    await (this.inner as { close?: () => Promise<void> }).close?.();
  }
}

interface Rig {
  t: TestGateway;
  ledger: SwitchableLedger;
}

function rig(stores: Partial<GatewayStores>, inner: LedgerStore): Rig {
  const ledger = new SwitchableLedger(inner);
  return { t: testGateway({ stores: { ...stores, ledger } }), ledger };
}

async function whileDown<T>(ledger: SwitchableLedger, work: () => Promise<T>): Promise<T> {
  ledger.down = true;
  try {
    return await work();
  } finally {
    ledger.down = false;
  }
}

async function issue(t: TestGateway): Promise<{ token: string; jti: string }> {
  const { body } = await t.call('POST', '/api/v1/passports', {
    key: t.keys.agent,
    body: { audience: 'refunds', goal: REFUND.goal, allowed_tools: ['stripe.refund.create'] },
  });
  return { token: body.token, jti: body.jti };
}

async function eventTypes(t: TestGateway): Promise<string[]> {
  return (await t.ledger()).map((event) => event.type);
}

function atomicStateSuite(makeRig: () => Promise<Rig>) {
  it('a credential is stored and deleted only with its ledger event', async () => {
    const { t, ledger } = await makeRig();
    const put = () =>
      t.call('PUT', '/api/v1/credentials/stripe_key', {
        key: t.keys.admin,
        body: { value: 'sk_atomic_value', bound_tools: ['stripe.refund.*'] },
      });
    expect((await whileDown(ledger, put)).status).toBe(503);
    expect((await t.call('GET', '/api/v1/credentials', { key: t.keys.admin })).body.items).toEqual([]);
    const allowed = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100) });
    expect(allowed.body.decision).toBe('allow');
    expect(allowed.body.credential).toBeUndefined();
    expect(await eventTypes(t)).not.toContain('credential.stored');

    expect((await put()).status).toBe(200);
    const remove = () => t.call('DELETE', '/api/v1/credentials/stripe_key', { key: t.keys.admin });
    expect((await whileDown(ledger, remove)).status).toBe(503);
    const listed = await t.call('GET', '/api/v1/credentials', { key: t.keys.admin });
    expect(listed.body.items.map((item: { name: string }) => item.name)).toEqual(['stripe_key']);
    expect(await eventTypes(t)).not.toContain('credential.deleted');
    expect((await remove()).status).toBe(200);
  });

  it('a policy changes only with its ledger event', async () => {
    const { t, ledger } = await makeRig();
    const before = await t.call('GET', '/api/v1/policy', { key: t.keys.admin });
    const replace = () =>
      t.call('PUT', '/api/v1/policy', {
        key: t.keys.admin,
        body: { id: 'deny_everything', version: 7, rules: [] },
      });
    expect((await whileDown(ledger, replace)).status).toBe(503);
    const after = await t.call('GET', '/api/v1/policy', { key: t.keys.admin });
    expect(after.body).toEqual(before.body);
    expect((await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100) })).body.decision).toBe(
      'allow',
    );
  });

  it('an approval is decided only with its ledger event, and spent only with the decision it allowed', async () => {
    const { t, ledger } = await makeRig();
    const held = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(25000) });
    const id = held.body.approval_request_id as string;
    const approve = () => t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver });
    expect((await whileDown(ledger, approve)).status).toBe(503);
    const pending = await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver });
    expect(pending.body.status).toBe('pending');
    expect(await eventTypes(t)).not.toContain('approval.approved');
    expect((await approve()).status).toBe(200);

    const rerun = () =>
      t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(25000, { approval_request_id: id }) });
    expect((await whileDown(ledger, rerun)).status).toBe(503);
    expect((await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver })).body.status).toBe(
      'approved',
    );
    expect((await rerun()).body).toMatchObject({ decision: 'allow', reason_code: 'approval.granted' });
    expect((await rerun()).body).toMatchObject({ decision: 'deny', reason_code: 'approval.expired' });
  });

  it('a passport is burned only with the decision that used it, and revoked only with its event', async () => {
    const { t, ledger } = await makeRig();
    const passport = await issue(t);
    const use = () =>
      t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100, { passport: passport.token }) });
    expect((await whileDown(ledger, use)).status).toBe(503);
    expect((await use()).body.decision).toBe('allow');
    expect((await use()).body.reason_code).toBe('passport.replayed');

    const other = await issue(t);
    const revoke = () =>
      t.call('POST', `/api/v1/passports/${other.jti}/revoke`, {
        key: t.keys.agent,
        body: { reason: 'compromised' },
      });
    expect((await whileDown(ledger, revoke)).status).toBe(503);
    expect(await eventTypes(t)).not.toContain('passport.revoked');
    const verified = await t.call('POST', '/api/v1/passports/verify', {
      key: t.keys.agent,
      body: { token: other.token },
    });
    expect(verified.body.valid).toBe(true);
    expect((await revoke()).status).toBe(200);
  });
}

describe('atomic state: memory stores', () => {
  atomicStateSuite(async () => {
    const stores = createMemoryStores();
    return rig(stores, stores.ledger);
  });
});

describe('atomic state: file stores', () => {
  const dirs: string[] = [];
  const open: TestGateway[] = [];
  afterAll(async () => {
    for (const t of open) await t.gateway.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  atomicStateSuite(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'actpass-atomic-'));
    dirs.push(dir);
    const stores = createFileStores(dir);
    const made = rig(stores, stores.ledger);
    open.push(made.t);
    return made;
  });
});

describe('atomic state: PostgreSQL stores', () => {
  const db = useTestDatabase();
  const opened: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const stores of opened) await stores.close();
  });
  atomicStateSuite(async () => {
    const stores = await createPostgresStores(db.url);
    opened.push(stores);
    return rig(stores, stores.ledger);
  });
});
