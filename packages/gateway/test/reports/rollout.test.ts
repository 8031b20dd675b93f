import { describe, expect, it } from 'vitest';
import { HOUR, seededGateway, seedTraffic, T0 } from './helpers.js';

const WINDOW = 'since=2026-11-23T00:00:00Z&until=2026-11-23T02:00:00Z';

describe('GET /api/v1/whoami', () => {
  it('answers the key’s tenant, id and roles for every role, and 401 without a key', async () => {
    const gw = seededGateway();
    for (const role of ['agent', 'approver', 'admin'] as const) {
      const { status, body } = await gw.call('GET', '/api/v1/whoami', { key: gw.keys[role] });
      expect(status).toBe(200);
      expect(body).toEqual({ tenant_id: 'acme', key_id: `acme_${role}`, roles: [role] });
    }
    expect((await gw.call('GET', '/api/v1/whoami')).status).toBe(401);
    expect((await gw.call('GET', '/api/v1/whoami', { key: 'nope' })).status).toBe(401);
  });
});

describe('GET /api/v1/reports/rollout', () => {
  it('counts monitor, warn and enforce traffic with what enforce would have answered', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    const { status, body } = await gw.call('GET', `/api/v1/reports/rollout?${WINDOW}&bucket=hour`, {
      key: gw.keys.admin,
    });
    expect(status).toBe(200);
    expect(body.window).toEqual({
      since: '2026-11-23T00:00:00.000Z',
      until: '2026-11-23T02:00:00.000Z',
      bucket: 'hour',
    });
    // 6 decisions: 3 monitor (allow, hold, deny), warn→deny, enforce deny, strict without a passport.
    expect(body.totals).toEqual({ decisions: 6, would_block: 5, observed: 4, observed_would_block: 3 });
    expect(body.counts).toContainEqual({
      tool: 'stripe.refund.create',
      reason_code: 'refund.large_denied',
      mode: 'warn',
      decision: 'warn',
      enforce_decision: 'deny',
      count: 1,
    });
    expect(body.counts).toContainEqual({
      tool: 'stripe.refund.create',
      reason_code: 'refund.medium_needs_approval',
      mode: 'monitor',
      decision: 'require_approval',
      enforce_decision: 'require_approval',
      count: 1,
    });
    expect(body.counts.reduce((sum: number, row: { count: number }) => sum + row.count, 0)).toBe(6);
    expect(body.buckets).toHaveLength(2);
    expect(body.buckets[0]).toEqual({
      start: '2026-11-23T00:00:00.000Z',
      total: 3,
      would_block: 2,
      by_enforce_decision: { allow: 1, deny: 1, require_approval: 1, require_tool_reapproval: 0, warn: 0 },
    });
    expect(body.buckets[1].total).toBe(3);
    expect(body.buckets[1].by_enforce_decision.deny).toBe(3);
    // Only monitor and warn traffic is "would block": enforce already blocks its own.
    expect(
      body.top_would_block.map((row: { reason_code: string; count: number }) => [row.reason_code, row.count]),
    ).toEqual([
      ['refund.large_denied', 2],
      ['refund.medium_needs_approval', 1],
    ]);
    expect(body.top_would_block[0]).toMatchObject({
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_1',
      enforce_decision: 'deny',
      last_at: new Date(T0 + HOUR + 10 * 60_000).toISOString(),
    });
  });

  it('is readable by approvers, refused to agents, and confined to the caller’s tenant', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    expect(
      (await gw.call('GET', `/api/v1/reports/rollout?${WINDOW}`, { key: gw.keys.approver })).status,
    ).toBe(200);
    expect((await gw.call('GET', `/api/v1/reports/rollout?${WINDOW}`, { key: gw.keys.agent })).status).toBe(
      403,
    );
    const other = await gw.call('GET', `/api/v1/reports/rollout?${WINDOW}`, { key: gw.other.admin });
    expect(other.body.totals.decisions).toBe(1);
  });

  it('defaults to the last 24 hours and narrows to the window asked for', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    gw.setNow(T0 + 2 * HOUR);
    const recent = await gw.call('GET', '/api/v1/reports/rollout', { key: gw.keys.admin });
    expect(recent.body.totals.decisions).toBe(6);
    expect(recent.body.buckets).toHaveLength(25);
    const late = await gw.call(
      'GET',
      '/api/v1/reports/rollout?since=2026-11-23T01:00:00Z&until=2026-11-23T02:00:00Z',
      {
        key: gw.keys.admin,
      },
    );
    expect(late.body.totals.decisions).toBe(3);
  });

  it('refuses a backwards window, an unknown bucket and a window of too many buckets, naming the field', async () => {
    const gw = seededGateway();
    const backwards = await gw.call(
      'GET',
      '/api/v1/reports/rollout?since=2026-11-23T02:00:00Z&until=2026-11-23T00:00:00Z',
      { key: gw.keys.admin },
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain('query.since');
    const bucket = await gw.call('GET', '/api/v1/reports/rollout?bucket=week', { key: gw.keys.admin });
    expect(bucket.status).toBe(400);
    expect(bucket.body.error.message).toContain('query.bucket');
    const tooMany = await gw.call(
      'GET',
      '/api/v1/reports/rollout?since=2026-11-20T00:00:00Z&until=2026-11-23T00:00:00Z&bucket=minute',
      { key: gw.keys.admin },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('query.bucket');
    const notADate = await gw.call('GET', '/api/v1/reports/rollout?since=yesterday', { key: gw.keys.admin });
    expect(notADate.status).toBe(400);
    expect(notADate.body.error.message).toContain('since');
  });
});
