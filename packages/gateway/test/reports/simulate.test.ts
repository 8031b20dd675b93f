import { describe, expect, it } from 'vitest';
import { seededGateway, seedTraffic } from './helpers.js';

const REFUND = { path: 'tool', operator: '==', value: 'stripe.refund.create' };
/** Allows refunds up to $10.00 only; everything else falls to the default deny. */
const STRICTER = {
  id: 'refunds',
  version: 9,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    {
      id: 'refund-tiny',
      when: [REFUND, { path: 'args.amount', operator: '<=', value: 1000 }],
      decision: 'allow',
      reason: 'refund.small_in_scope',
      risk_tier: 'low',
    },
  ],
};
const WINDOW = { since: '2026-11-23T00:00:00Z', until: '2026-11-23T02:00:00Z' };

describe('POST /api/v1/policy/simulate', () => {
  it('re-runs the policy stage of recorded decisions and reports what changes', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    const { status, body } = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: STRICTER, ...WINDOW },
    });
    expect(status).toBe(200);
    expect(body.candidate).toMatchObject({ id: 'refunds', version: 9 });
    // 6 decisions; the strict one was refused at the passport step and is held as recorded.
    expect(body.summary).toEqual({
      decisions: 6,
      evaluated: 5,
      held: 1,
      unchanged: 3,
      changed: 2,
      transitions: [
        { from: 'allow', to: 'deny', count: 1 },
        { from: 'require_approval', to: 'deny', count: 1 },
      ],
    });
    expect(
      body.changes.map((change: { action: { args: { amount: number } } }) => change.action.args.amount),
    ).toEqual([5000, 20000]);
    expect(body.changes[0]).toMatchObject({
      mode: 'monitor',
      recorded: { decision: 'allow', reason_code: 'refund.small_in_scope', matched_rules: ['refund-small'] },
      simulated: { decision: 'deny', reason_code: 'policy.no_match', matched_rules: [] },
    });
    expect(body.next_after_seq).toBeNull();
  });

  it('pages the changed decisions with after_seq while the summary covers the whole window', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    const first = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: STRICTER, ...WINDOW, limit: 1 },
    });
    expect(first.body.changes).toHaveLength(1);
    expect(first.body.next_after_seq).toBe(first.body.changes[0].seq);
    const second = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: STRICTER, ...WINDOW, limit: 1, after_seq: first.body.next_after_seq },
    });
    expect(second.body.changes).toHaveLength(1);
    expect(second.body.changes[0].seq).toBeGreaterThan(first.body.changes[0].seq);
    expect(second.body.next_after_seq).toBeNull();
    expect(second.body.summary).toEqual(first.body.summary);
  });

  it('sees the recorded context, so rules on context.* re-run faithfully', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    const untrusted = {
      id: 'untrusted',
      version: 1,
      rules: [
        {
          id: 'untrusted-source',
          when: [{ path: 'context.source', operator: '==', value: 'untrusted' }],
          decision: 'require_approval',
          reason: 'context.untrusted_source',
        },
        { id: 'rest', decision: 'deny', reason: 'refund.large_denied' },
      ],
    };
    const { body } = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: untrusted, ...WINDOW },
    });
    const toApproval = body.changes.filter(
      (change: { simulated: { reason_code: string } }) =>
        change.simulated.reason_code === 'context.untrusted_source',
    );
    expect(toApproval).toHaveLength(1);
    expect(toApproval[0].action.args.amount).toBe(90000);
  });

  it('writes nothing: no ledger event, no idempotency record, no store write of any kind', async () => {
    const gw = seededGateway();
    await seedTraffic(gw);
    const before = await gw.ledger();
    gw.calls.length = 0;
    const headers = { 'idempotency-key': 'what-if-1' };
    const first = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      headers,
      body: { policy: STRICTER, ...WINDOW },
    });
    expect(first.status).toBe(200);
    const written = gw.calls.filter((name) => !/\.(events|get|list|head)$/.test(name));
    expect(written).toEqual([]);
    expect(await gw.ledger()).toEqual(before);
    // The same key with another body is not a conflict: nothing was stored under it.
    const again = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      headers,
      body: { policy: STRICTER, ...WINDOW, limit: 1 },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const policy = await gw.call('GET', '/api/v1/policy', { key: gw.keys.admin });
    expect(policy.body.policy.id).toBe('actpass.pack.refunds');
  });

  it('lists every problem of an invalid candidate under body.policy, and is admin only', async () => {
    const gw = seededGateway();
    const broken = {
      id: 'broken',
      version: 1,
      rules: [
        {
          id: 'a',
          when: [{ path: 'nowhere.x', operator: '==', value: 1 }],
          decision: 'allow',
          reason: 'x.y',
        },
        { id: 'a', decision: 'allow', reason: 'x.y' },
      ],
    };
    const { status, body } = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: broken },
    });
    expect(status).toBe(400);
    expect(body.error.details.length).toBeGreaterThanOrEqual(2);
    for (const detail of body.error.details) expect(detail.path).toMatch(/^body\.policy/);
    const shape = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: {} },
    });
    expect(shape.status).toBe(400);
    for (const key of [gw.keys.agent, gw.keys.approver]) {
      const refused = await gw.call('POST', '/api/v1/policy/simulate', { key, body: { policy: STRICTER } });
      expect(refused.status).toBe(403);
    }
  });
});
