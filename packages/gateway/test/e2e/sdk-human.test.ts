/**
 * The SDK's human-side surface (whoami, rollout report, what-if, filtered evidence and page iterators)
 * against the gateway served on a loopback port, over real HTTP.
 */
import { ActPass } from '@actpass/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/index.js';
import { type SeededGateway, seededGateway, seedTraffic } from '../reports/helpers.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const WINDOW = { since: '2026-11-23T00:00:00Z', until: '2026-11-23T02:00:00Z' };
let gw: SeededGateway;
let running: RunningServer;
const client = (key: string) => new ActPass({ apiKey: key, baseUrl: running.url, logger: silent });

beforeAll(async () => {
  gw = seededGateway();
  await seedTraffic(gw);
  running = await gw.gateway.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => gw.gateway.close());

describe('@actpass/sdk against a served gateway: the human side', () => {
  it('whoami names the key', async () => {
    const me = await client(gw.keys.approver).whoami();
    expect(me).toEqual({ tenant_id: 'acme', key_id: 'acme_approver', roles: ['approver'] });
    expect(me._requestId).toMatch(/^req_/);
  });

  it('reports.rollout answers what the HTTP API answers', async () => {
    const report = await client(gw.keys.approver).reports.rollout({ ...WINDOW, bucket: 'hour' });
    const direct = await gw.call(
      'GET',
      `/api/v1/reports/rollout?since=${WINDOW.since}&until=${WINDOW.until}`,
      {
        key: gw.keys.approver,
      },
    );
    expect(JSON.parse(JSON.stringify(report))).toEqual(direct.body);
    expect(report.totals.observed_would_block).toBe(3);
  });

  it('policy.simulate reports the changes of a candidate without the small-refund rule', async () => {
    const admin = client(gw.keys.admin);
    const { policy } = await admin.policy.get();
    const candidate = {
      ...policy,
      version: policy.version + 1,
      rules: policy.rules.filter((rule) => rule.id !== 'refund-small'),
    };
    const simulation = await admin.policy.simulate({
      policy: candidate,
      since: new Date(WINDOW.since),
      until: WINDOW.until,
    });
    expect(simulation.summary.changed).toBeGreaterThan(0);
    expect(simulation.changes[0]?.recorded.decision).toBe('allow');
  });

  it('evidence.iterate walks every page of a filtered listing with for await', async () => {
    const seen: number[] = [];
    for await (const event of client(gw.keys.admin).evidence.iterate({ type: 'decision', limit: 2 })) {
      expect(event.type).toBe('decision');
      seen.push(event.seq);
    }
    const expected = (await gw.ledger())
      .filter((event) => event.type === 'decision')
      .map((event) => event.seq);
    expect(seen).toEqual(expected);
  });

  it('approvals.iterate yields the pending requests', async () => {
    const held = await client(gw.keys.agent).preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_9',
      args: { amount: 25000, currency: 'usd' },
    });
    const ids: string[] = [];
    for await (const request of client(gw.keys.approver).approvals.iterate({ status: 'pending' }))
      ids.push(request.id);
    expect(ids).toContain(held.approval_request_id);
  });
});
