import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import { caller, refund, type TestGateway, testGateway } from '../http/helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

async function hold(t: TestGateway, body = refund(25000)): Promise<string> {
  const { body: decision } = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body });
  expect(decision.decision).toBe('require_approval');
  return decision.approval_request_id;
}

describe('approval requests', () => {
  it('hold → approve → re-run allowed exactly once → a second re-run is refused', async () => {
    const t = testGateway();
    const id = await hold(t);
    const pending = await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.agent });
    expect(pending.body).toMatchObject({
      id,
      status: 'pending',
      reason_code: 'refund.medium_needs_approval',
      // The approver reads why in words: the matched rule's description from the pack.
      summary: 'more than 10000 and at most 50000 minor units: held for approval',
    });

    const still = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    expect(still.body).toMatchObject({
      decision: 'require_approval',
      reason_code: 'approval.pending',
      approval_request_id: id,
    });

    const approved = await t.call('POST', `/api/v1/approvals/${id}/approve`, {
      key: t.keys.approver,
      body: { note: 'customer confirmed' },
    });
    expect(approved.body).toMatchObject({
      status: 'approved',
      decided_by: 'acme_approver',
      note: 'customer confirmed',
    });

    const rerun = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    expect(rerun.body).toMatchObject({
      decision: 'allow',
      reason_code: 'approval.granted',
      approval_request_id: id,
    });
    const again = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    expect(again.body).toMatchObject({ decision: 'deny', reason_code: 'approval.expired' });
    expect((await t.call('GET', `/api/v1/approvals/${id}`, { key: t.keys.approver })).body.status).toBe(
      'used',
    );

    const types = (await t.ledger()).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['approval.requested', 'approval.approved']));
  });

  it('allows exactly one of many concurrent re-runs', async () => {
    const t = testGateway();
    const id = await hold(t);
    await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(25000, { approval_request_id: id }) }),
      ),
    );
    expect(results.filter((result) => result.body.decision === 'allow')).toHaveLength(1);
  });

  it('refuses a re-run for a different action', async () => {
    const t = testGateway();
    const id = await hold(t);
    await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver });
    const other = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(26000, { approval_request_id: id }),
    });
    expect(other.body).toMatchObject({ decision: 'deny', reason_code: 'approval.mismatch' });
    // The mismatch did not spend it.
    const right = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    expect(right.body.decision).toBe('allow');
  });

  it('denied and expired requests answer deny with their reason', async () => {
    let now = Date.parse('2026-11-23T18:00:00Z');
    const t = testGateway({ clock: () => now });
    const denied = await hold(t);
    await t.call('POST', `/api/v1/approvals/${denied}/deny`, { key: t.keys.approver, body: { note: 'no' } });
    const deniedRun = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: denied }),
    });
    expect(deniedRun.body).toMatchObject({ decision: 'deny', reason_code: 'approval.denied' });

    const expiring = await hold(t, refund(30000));
    now += 25 * 60 * 60 * 1000;
    const expiredRun = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(30000, { approval_request_id: expiring }),
    });
    expect(expiredRun.body).toMatchObject({ decision: 'deny', reason_code: 'approval.expired' });
    const late = await t.call('POST', `/api/v1/approvals/${expiring}/approve`, { key: t.keys.approver });
    expect([late.status, late.body.error.code]).toEqual([409, 'approval.expired']);
    const listed = await t.call('GET', '/api/v1/approvals?status=expired', { key: t.keys.approver });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([expiring]);
  });

  it('approving twice is a 409; approving needs the approver role', async () => {
    const t = testGateway();
    const id = await hold(t);
    const byAgent = await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.agent });
    expect(byAgent.status).toBe(403);
    await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver });
    const twice = await t.call('POST', `/api/v1/approvals/${id}/deny`, { key: t.keys.approver });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'approval.granted']);
  });

  it('lists newest first and filters by status', async () => {
    const t = testGateway();
    const first = await hold(t, refund(20000));
    const second = await hold(t, refund(21000));
    await t.call('POST', `/api/v1/approvals/${first}/deny`, { key: t.keys.approver });
    const all = await t.call('GET', '/api/v1/approvals', { key: t.keys.approver });
    expect(all.body.items.map((item: { id: string }) => item.id)).toEqual([second, first]);
    const pending = await t.call('GET', '/api/v1/approvals?status=pending&limit=10', {
      key: t.keys.approver,
    });
    expect(pending.body.items.map((item: { id: string }) => item.id)).toEqual([second]);
  });

  it('inherits the passport verified at hold time; re-presenting it after its use is replayed', async () => {
    const t = testGateway();
    const { body: issued } = await t.call('POST', '/api/v1/passports', {
      key: t.keys.agent,
      body: { audience: 'a', goal: 'resolve_refund_request', allowed_tools: ['stripe.refund.create'] },
    });
    const id = await hold(t, refund(25000, { passport: issued.token }));
    await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver });

    const replayed = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { passport: issued.token }),
    });
    expect(replayed.body.reason_code).toBe('passport.replayed');

    const rerun = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: id, mode: 'strict' }),
    });
    // Strict mode is satisfied by the inherited delegation; the tool is unregistered, so strict holds it.
    expect(rerun.body.reason_code).toBe('tool.unregistered');
    const enforce = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    expect(enforce.body).toMatchObject({ decision: 'allow', reason_code: 'approval.granted' });
    const decision = (await t.ledger()).filter((event) => event.type === 'decision').at(-1);
    expect(decision?.data.passport_jti).toBe(issued.jti);
  });

  it('lets an agent read its own requests only; another agent of the tenant gets 404', async () => {
    const gateway = createGateway({
      tenants: [{ id: 't', policy: 'refunds' }],
      apiKeys: [
        { key: 'agent-a', tenantId: 't', roles: ['agent'], agentId: 'a' },
        { key: 'agent-b', tenantId: 't', roles: ['agent'], agentId: 'b' },
        { key: 'approver', tenantId: 't', roles: ['approver'] },
      ],
    });
    const call = caller(gateway.fetch);
    const { body } = await call('POST', PREFLIGHT, { key: 'agent-a', body: refund(25000) });
    const id = body.approval_request_id;
    expect((await call('GET', `/api/v1/approvals/${id}`, { key: 'agent-a' })).body.action.agent_id).toBe('a');
    const foreign = await call('GET', `/api/v1/approvals/${id}`, { key: 'agent-b' });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'request.not_found']);
    expect(JSON.stringify(foreign.body)).not.toContain('25000');
    expect((await call('GET', `/api/v1/approvals/${id}`, { key: 'approver' })).status).toBe(200);
  });
});
