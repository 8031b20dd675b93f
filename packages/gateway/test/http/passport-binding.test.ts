/**
 * A passport binds its goal and (when it names one) its user, and releasing a held action
 * re-checks the revocation of the delegation it was held under. Expiry of the passport after the hold
 * does not void an approval granted within the approval's own TTL (docs/approvals.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DevGatewayOptions } from '../../src/index.js';
import { REFUND, refund, type TestGateway, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const START = Date.UTC(2026, 5, 1);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const stores: Array<[string, (options: DevGatewayOptions) => Promise<TestGateway>]> = [
  ['memory', async (options) => testGateway(options)],
  [
    'file',
    async (options) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'actpass-binding-'));
      dirs.push(dir);
      return testGateway({ ...options, dir });
    },
  ],
];

async function issue(t: TestGateway, extra: Record<string, unknown> = {}) {
  const { status, body } = await t.call('POST', '/api/v1/passports', {
    key: t.keys.agent,
    body: {
      audience: 'a',
      goal: REFUND.goal,
      allowed_tools: ['stripe.refund.*'],
      ttl_seconds: 300,
      ...extra,
    },
  });
  expect(status).toBe(201);
  return body as { token: string; jti: string };
}

describe.each(stores)('passports bind goal and user (%s stores)', (_name, open) => {
  it('another goal is passport.goal_mismatch and does not burn the passport', async () => {
    const t = await open({});
    const { token } = await issue(t);
    const other = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(100, { goal: 'refund_for_someone_else', passport: token }),
    });
    expect(other.body).toMatchObject({ decision: 'deny', reason_code: 'passport.goal_mismatch' });
    const right = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(100, { passport: token }),
    });
    expect(right.body).toMatchObject({ decision: 'allow' });
  });

  it('a passport naming a user needs that user_id; one naming none takes any', async () => {
    const t = await open({});
    const forU1 = await issue(t, { user_id: 'u1' });
    for (const extra of [{ user_id: 'u2' }, {}]) {
      const { body } = await t.call('POST', PREFLIGHT, {
        key: t.keys.agent,
        body: refund(100, { passport: forU1.token, ...extra }),
      });
      expect(body).toMatchObject({ decision: 'deny', reason_code: 'passport.user_mismatch' });
    }
    const u1 = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(100, { passport: forU1.token, user_id: 'u1' }),
    });
    expect(u1.body.decision).toBe('allow');
    const anyUser = await issue(t);
    const u9 = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(100, { passport: anyUser.token, user_id: 'u9' }),
    });
    expect(u9.body.decision).toBe('allow');
  });

  it('a passport revoked after the hold cannot release the approved action; the approver sees it', async () => {
    const t = await open({});
    const { token, jti } = await issue(t, { user_id: 'u1' });
    const action = refund(20_000, { user_id: 'u1' });
    const held = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: { ...action, passport: token } });
    expect(held.body.decision).toBe('require_approval');
    const id = held.body.approval_request_id as string;
    const shown = await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver });
    expect(shown.body.delegation).toMatchObject({ jti, goal: REFUND.goal, user_id: 'u1', status: 'active' });
    expect(
      (await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver, body: {} })).status,
    ).toBe(200);
    await t.call('POST', `/api/v1/passports/${jti}/revoke`, {
      key: t.keys.agent,
      body: { reason: 'goal withdrawn' },
    });

    const listed = await t.call('GET', '/api/v1/approvals', { key: t.keys.approver });
    expect(listed.body.items.find((item: { id: string }) => item.id === id).delegation.status).toBe(
      'revoked',
    );
    const released = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: { ...action, approval_request_id: id },
    });
    expect(released.body).toMatchObject({ decision: 'deny', reason_code: 'passport.revoked' });
    // Not spent: the approval is still approved, and still refused while the passport stays revoked.
    const again = await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver });
    expect(again.body.status).toBe('approved');
  });

  it('a passport that expires after the hold does not void an approval granted in time', async () => {
    let now = START;
    const t = await open({ clock: () => now });
    const { token } = await issue(t, { ttl_seconds: 60 });
    const held = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(20_000, { passport: token }),
    });
    const id = held.body.approval_request_id as string;
    await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver, body: {} });
    now += 10 * 60 * 1000;
    const shown = await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver });
    expect(shown.body.delegation.status).toBe('expired');
    const released = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(20_000, { approval_request_id: id }),
    });
    expect(released.body).toMatchObject({ decision: 'allow', reason_code: 'approval.granted' });
  });
});
