import { describe, expect, it } from 'vitest';
import { refund, testGateway } from '../http/helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

describe('tenant isolation', () => {
  it("answers another tenant's ids with 404 and no data, and never lists them", async () => {
    const t = testGateway();
    const a = t.keys;
    const b = t.other;
    const secret = 'sk_live_tenant_a_only';

    const held = await t.call('POST', PREFLIGHT, { key: a.agent, body: refund(25000) });
    const approvalId: string = held.body.approval_request_id;
    const passport = await t.call('POST', '/api/v1/passports', {
      key: a.agent,
      body: { audience: 'x', goal: 'resolve_refund_request', allowed_tools: ['**'] },
    });
    await t.call('PUT', '/api/v1/credentials/a_key', {
      key: a.admin,
      body: { value: secret, bound_tools: ['**'] },
    });
    await t.call('PUT', '/api/v1/tools/a.tool', {
      key: a.admin,
      body: { name: 'a.tool', description: 'tenant a tool', input_schema: {} },
    });
    await t.call('POST', '/api/v1/evidence', {
      key: a.agent,
      body: { type: 'a.marker', data: { who: 'tenant-a' } },
    });

    const notFound = [
      await t.call('GET', `/api/v1/approvals/${approvalId}`, { key: b.approver }),
      await t.call('GET', `/api/v1/approvals/${approvalId}`, { key: b.agent }),
      await t.call('POST', `/api/v1/approvals/${approvalId}/approve`, { key: b.approver }),
      await t.call('POST', `/api/v1/approvals/${approvalId}/deny`, { key: b.approver }),
      await t.call('POST', `/api/v1/passports/${passport.body.jti}/revoke`, {
        key: b.agent,
        body: { reason: 'x' },
      }),
      await t.call('DELETE', '/api/v1/credentials/a_key', { key: b.admin }),
    ];
    for (const response of notFound) {
      expect([response.status, response.body.error.code]).toEqual([404, 'request.not_found']);
      expect(Object.keys(response.body)).toEqual(['error']);
    }

    const seenByB = [
      await t.call('GET', '/api/v1/approvals', { key: b.approver }),
      await t.call('GET', '/api/v1/evidence', { key: b.admin }),
      await t.call('GET', '/api/v1/evidence/export', { key: b.admin }),
      await t.call('GET', '/api/v1/tools', { key: b.admin }),
      await t.call('GET', '/api/v1/credentials', { key: b.admin }),
      await t.call('GET', '/api/v1/policy', { key: b.admin }),
      await t.call('POST', '/api/v1/passports/verify', {
        key: b.agent,
        body: { token: passport.body.token },
      }),
      await t.call('POST', PREFLIGHT, {
        key: b.agent,
        body: refund(25000, { approval_request_id: approvalId }),
      }),
      await t.call('POST', PREFLIGHT, { key: b.agent, body: refund(100, { passport: passport.body.token }) }),
    ];
    // The re-run naming A's approval id echoes that id back in its summary (the caller sent it); nothing else.
    const echoed = seenByB[7]?.body;
    expect(echoed.approval_request_id).toBeUndefined();
    const text = JSON.stringify(seenByB.map((response) => response.body).filter((body) => body !== echoed));
    const markers = [approvalId, passport.body.jti, 'a_key', 'a.tool', 'tenant-a', 'tenant-a-goal', secret];
    for (const marker of markers) expect(text).not.toContain(marker);
    for (const marker of markers.slice(1)) expect(JSON.stringify(echoed)).not.toContain(marker);
    expect(seenByB[6]?.body).toMatchObject({ valid: false, reason_code: 'passport.tenant_mismatch' });
    expect(seenByB[7]?.body).toMatchObject({ decision: 'deny', reason_code: 'approval.mismatch' });
    expect(seenByB[8]?.body).toMatchObject({ decision: 'deny', reason_code: 'passport.tenant_mismatch' });

    // Tenant A's objects are untouched by B's attempts.
    const still = await t.call('GET', `/api/v1/approvals/${approvalId}`, { key: a.approver });
    expect(still.body.status).toBe('pending');
    const rerun = await t.call('POST', PREFLIGHT, {
      key: a.agent,
      body: refund(100, { passport: passport.body.token }),
    });
    expect(rerun.body.decision).toBe('allow');
  });

  it('keeps one chain per tenant', async () => {
    const t = testGateway();
    await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100) });
    await t.call('POST', PREFLIGHT, { key: t.other.agent, body: refund(100) });
    for (const keys of [t.keys, t.other]) {
      const verified = await t.call('GET', '/api/v1/evidence/verify', { key: keys.admin });
      expect(verified.body).toMatchObject({ ok: true, count: 2 });
      const events = (await t.ledger(keys.tenantId)).map(
        (event) => (event as unknown as { tenant_id: string }).tenant_id,
      );
      expect(new Set(events)).toEqual(new Set([keys.tenantId]));
    }
  });
});
